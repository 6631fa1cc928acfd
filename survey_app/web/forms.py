"""WTForms used by the administration pages: shape and size checks at the boundary."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from survey_app.web.form_messages import Form as FlaskForm
from survey_app.web.labels import ROLE_LABELS, STATUS_LABELS


def _choices(labels: Mapping[StrEnum, Any]) -> list[SelectChoice]:
    return [SelectChoice(key.value, label) for key, label in labels.items()]


class NewCampaignForm(FlaskForm):
    """A new campaign from a shipped template or from a design file (YAML)."""

    template = SelectField(_l("Mẫu thiết kế"), validators=[Optional()])
    design_file = FileField(_l("Hoặc tệp thiết kế (.yaml) đã sửa"))
    year = IntegerField(_l("Năm"), validators=[DataRequired(), NumberRange(2000, 2100)])
    name = StringField(_l("Tên đợt"), validators=[DataRequired(), Length(max=200)])


class CampaignForm(FlaskForm):
    year = IntegerField(_l("Năm"), validators=[DataRequired(), NumberRange(2000, 2100)])
    name = StringField(_l("Tên đợt"), validators=[DataRequired(), Length(max=200)])
    status = SelectField(_l("Trạng thái"), choices=_choices(STATUS_LABELS))
    list_deadline = DateField(_l("Hạn gửi danh sách"), validators=[Optional()])
    fieldwork_opens = DateField(_l("Bắt đầu khảo sát"), validators=[Optional()])
    fieldwork_closes = DateField(_l("Kết thúc khảo sát"), validators=[Optional()])
    allow_late_uploads = BooleanField(_l("Cho phép nộp danh sách muộn"))

    def validate(self, extra_validators=None) -> bool:  # type: ignore[no-untyped-def]
        if not super().validate(extra_validators):
            return False
        start, end = self.fieldwork_opens, self.fieldwork_closes
        if start.data and end.data and start.data > end.data:
            end.errors = [_l("Ngày kết thúc phải sau ngày bắt đầu.")]
            return False
        return True


class DesignForm(FlaskForm):
    """The design as YAML text, edited in the browser."""

    text = TextAreaField(_l("Thiết kế (YAML)"), validators=[DataRequired(), Length(max=512 * 1024)])


class PlainForm(FlaskForm):
    """A form of buttons and plain fields read from ``request.form``: only the CSRF token."""


class FileUploadForm(FlaskForm):
    file = FileField(_l("Tệp"), validators=[FileRequired()])


class UserForm(FlaskForm):
    """A new account; the unit's choices (the registry's codes) are set by the view."""

    username = StringField(_l("Tên đăng nhập"), validators=[DataRequired(), Length(2, 80)])
    full_name = StringField(_l("Họ và tên"), validators=[DataRequired(), Length(max=200)])
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(), Length(10, 200)])
    role = SelectField(_l("Vai trò"), choices=_choices(ROLE_LABELS))
    unit_code = SelectField(  # the service refuses a code outside the registry, in words
        _l("Đơn vị (chỉ cán bộ đơn vị)"), validators=[Optional()], validate_choice=False
    )


class RoleForm(FlaskForm):
    role = SelectField(_l("Vai trò"), choices=_choices(ROLE_LABELS))
    unit_code = SelectField(  # the service refuses a code outside the registry, in words
        _l("Đơn vị (chỉ cán bộ đơn vị)"), validators=[Optional()], validate_choice=False
    )


class PasswordResetForm(FlaskForm):
    """A new password typed by the administrator, or ``generate`` for one made up."""

    password = PasswordField(
        _l("Mật khẩu mới"),
        validators=[Optional(), Length(10, 200)],
        render_kw={"autocomplete": "new-password"},
    )
    generate = BooleanField(_l("Tạo mật khẩu ngẫu nhiên"))

    def validate(self, extra_validators=None) -> bool:  # type: ignore[no-untyped-def]
        if not super().validate(extra_validators):
            return False
        if bool(self.password.data) == bool(self.generate.data):
            self.password.errors = [_l("Nhập mật khẩu mới, hoặc chọn tạo mật khẩu ngẫu nhiên.")]
            return False
        return True


class AccountImportForm(FlaskForm):
    file = FileField(_l("Tệp danh sách tài khoản (.xlsx, .csv)"), validators=[FileRequired()])
