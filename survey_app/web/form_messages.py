"""WTForms' own messages in Vietnamese ("This field is required." was shown as it is).

WTForms ships no Vietnamese catalogue, so a form's ``Meta.get_translations`` gives it this
one: each message WTForms may show, in Vietnamese, and as written in the English interface.
"""

from __future__ import annotations

from typing import Any

from flask_babel import get_locale
from flask_wtf import FlaskForm

VIETNAMESE: dict[str, str] = {
    "This field is required.": "Cần điền mục này.",
    "Invalid input.": "Giá trị không hợp lệ.",
    "Not a valid integer value.": "Cần một số nguyên.",
    "Not a valid decimal value.": "Cần một số.",
    "Not a valid float value.": "Cần một số.",
    "Not a valid date value.": "Ngày không hợp lệ (dd/mm/yyyy).",
    "Not a valid datetime value.": "Ngày giờ không hợp lệ.",
    "Not a valid time value.": "Giờ không hợp lệ.",
    "Not a valid week value.": "Tuần không hợp lệ.",
    "Not a valid month value.": "Tháng không hợp lệ.",
    "Not a valid choice.": "Lựa chọn không hợp lệ.",
    "Invalid Choice: could not coerce.": "Lựa chọn không hợp lệ.",
    "Choices cannot be None.": "Chưa có lựa chọn nào.",
    "Number must be at least %(min)s.": "Số phải từ %(min)s trở lên.",
    "Number must be at most %(max)s.": "Số phải nhỏ hơn hoặc bằng %(max)s.",
    "Number must be between %(min)s and %(max)s.": "Số phải từ %(min)s đến %(max)s.",
    "Field must be at least %(min)d character long.": "Cần ít nhất %(min)d ký tự.",
    "Field must be at least %(min)d characters long.": "Cần ít nhất %(min)d ký tự.",
    "Field cannot be longer than %(max)d character.": "Không được dài quá %(max)d ký tự.",
    "Field cannot be longer than %(max)d characters.": "Không được dài quá %(max)d ký tự.",
    "Field must be exactly %(max)d character long.": "Cần đúng %(max)d ký tự.",
    "Field must be exactly %(max)d characters long.": "Cần đúng %(max)d ký tự.",
    "Field must be between %(min)d and %(max)d characters long.": (
        "Cần từ %(min)d đến %(max)d ký tự."
    ),
    "Date must be at least %(min)s.": "Ngày phải từ %(min)s trở đi.",
    "Date must be at most %(max)s.": "Ngày phải đến %(max)s là muộn nhất.",
    "Date must be between %(min)s and %(max)s.": "Ngày phải từ %(min)s đến %(max)s.",
    "Invalid email address.": "Địa chỉ thư điện tử không hợp lệ.",
    "Field must be equal to %(other_name)s.": "Phải trùng với %(other_name)s.",
    "The CSRF token is missing.": "Phiên làm việc đã hết hạn; hãy tải lại trang và thử lại.",
    "The CSRF token is invalid.": "Phiên làm việc đã hết hạn; hãy tải lại trang và thử lại.",
    "The CSRF token has expired.": "Phiên làm việc đã hết hạn; hãy tải lại trang và thử lại.",
    "The CSRF tokens do not match.": "Phiên làm việc đã hết hạn; hãy tải lại trang và thử lại.",
}


class _Translations:
    """What WTForms asks of a translations object, in the page's language."""

    def gettext(self, string: str) -> str:
        if str(get_locale() or "vi").startswith("en"):
            return string
        return VIETNAMESE.get(string, string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


_TRANSLATIONS = _Translations()


class Form(FlaskForm):  # type: ignore[misc]  # flask_wtf ships no types
    """The application's forms: WTForms' messages in the page's language."""

    class Meta:
        def get_translations(self, form: Any) -> _Translations:
            return _TRANSLATIONS
