"""Accounts: creation, authentication, role changes, disabling, password resets, the list an
administrator searches and the spreadsheet import of unit officers' accounts.

A change to what an account may do (its role or unit, disabling it, a new password) ends its
live sessions, so a demoted user's open browser loses the old rights at once; the next login
gets the new ones. A unit officer's unit is one of the unit registry (any campaign's); the last
active administrator can be neither disabled nor demoted (decided under a lock on the active
administrators' rows, so two administrators cannot remove each other at the same moment).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import secrets
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum
from itertools import chain, islice

import xlsxwriter
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from survey_app.errors import RowProblem, RowsRejected, ServiceError
from survey_app.ingest.delimited import csv_sheets
from survey_app.ingest.detect import detect_type
from survey_app.ingest.ods import ods_sheets
from survey_app.ingest.readers import xls_sheets, xlsx_sheets
from survey_app.ingest.table import FileType, GridRow, SheetSource
from survey_app.persistence.enums import AuditAction, Role
from survey_app.persistence.models import Campaign, Unit, User
from survey_app.security import hash_password, verify_password
from survey_app.services import audit, staff_sessions
from survey_app.services.registry import fold
from survey_app.services.spreadsheet import csv_bytes, safe_cell

MIN_PASSWORD_LENGTH = 10
UNIT_ROLES = frozenset({Role.UNIT_OFFICER})
"""Roles scoped to one unit; every other role has no unit code."""
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._@-]{1,79}")
_PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # noqa: S105 - no l, o, 0, 1
# A hash of a random password: lets unknown usernames cost the same time as wrong passwords.
_DUMMY_HASH = hash_password("timing-equaliser-not-a-password")


@dataclass(frozen=True)
class UnitChoice:
    """A unit code of the registry with the name of its newest campaign."""

    code: str
    name: str

    @property
    def label(self) -> str:
        return f"{self.name} ({self.code})"


def unit_choices(session: Session) -> list[UnitChoice]:
    """Every distinct unit code of every campaign's registry, named as in the newest
    campaign, sorted by name as people look for them."""
    newest: dict[str, str] = {}
    query = (
        select(Unit.code, Unit.name)
        .join(Campaign, Campaign.id == Unit.campaign_id)
        .order_by(Unit.code, Campaign.year.desc(), Campaign.id.desc())
    )
    for code, name in session.execute(query):
        newest.setdefault(code, name)
    return sorted(
        (UnitChoice(code, name) for code, name in newest.items()),
        key=lambda c: (fold(c.name), c.code),
    )


def _registered(session: Session, unit_code: str) -> str | None:
    """The registry's spelling of ``unit_code`` (any case), or None when no campaign has it."""
    return session.scalar(
        select(Unit.code).where(func.upper(Unit.code) == unit_code.upper()).limit(1)
    )


def _scope(session: Session, role: Role, unit_code: str | None, *, registered: bool) -> str | None:
    """The unit code an account of ``role`` keeps: a unit officer's, as the registry spells it
    (checked there when ``registered``); None for the other roles, which may name none."""
    code = (unit_code or "").strip()
    if role not in UNIT_ROLES:
        if code:
            raise ServiceError("unit_not_for_role", value=code)
        return None
    if not code:
        raise ServiceError("unit_required")
    if not registered:
        return code
    found = _registered(session, code)
    if found is None:
        raise ServiceError("unit_not_registered", value=code)
    return found


def _username(text: str) -> str:
    username = text.strip().lower()
    if not _USERNAME.fullmatch(username):
        raise ServiceError("bad_username", value=text.strip()[:80])
    return username


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError("weak_password", min_length=MIN_PASSWORD_LENGTH)


def new_password() -> str:
    """A password for a person to type: 12 characters of 32 (60 bits) in three groups."""
    chars = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(12))
    return "-".join(chars[i : i + 4] for i in (0, 4, 8))


def create_user(
    session: Session,
    *,
    username: str,
    full_name: str,
    password: str,
    role: Role,
    unit_code: str | None = None,
    actor: User | None = None,
    password_hash: str | None = None,
) -> User:
    """Create an account; usernames are unique and case-insensitive (``password_hash``: the
    password hashed beforehand, as the import does for all its rows at once).

    An account an administrator makes (``actor`` given: the pages, the import) names a unit
    of the registry; the console script and the demo loader, which may run before the
    registry is imported, make accounts without an actor and are not checked against it.
    """
    username = _username(username)
    _check_password(password)
    unit = _scope(session, role, unit_code, registered=actor is not None)
    if session.scalar(select(User).where(User.username == username)):
        raise ServiceError("username_taken", value=username)
    user = User(
        username=username,
        full_name=full_name.strip(),
        password_hash=password_hash or hash_password(password),
        role=role,
        unit_code=unit,
    )
    session.add(user)
    session.flush()
    audit.record(session, AuditAction.USER_CREATED, user=actor, target=username, role=role.value)
    return user


def authenticate(session: Session, username: str, password: str, ip: str | None) -> User | None:
    """The active user with these credentials, or None. Both outcomes are audited."""
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    valid = verify_password(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not valid or not user.is_active:
        audit.record(session, AuditAction.LOGIN_FAILED, username=username[:80], ip=ip)
        return None
    user.last_login_at = dt.datetime.now(dt.UTC)
    audit.record(session, AuditAction.LOGIN, user=user, ip=ip)
    return user


def _active_admins(session: Session) -> set[int]:
    """Ids of the active administrators, their rows locked until the transaction ends (on
    SQLite a no-op UPDATE takes the write lock first): a concurrent removal waits, then
    reads what this one committed."""
    active = (User.role == Role.ADMIN) & User.is_active.is_(True)
    query = select(User.id).where(active).order_by(User.id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(key_share=True)
    else:
        touch = update(User).where(active).values(id=User.id)
        session.execute(touch.execution_options(synchronize_session=False))
    return set(session.scalars(query))


def _keep_an_admin(session: Session, user: User) -> None:
    """Refuse to remove ``user`` from the administrators when no other active one is left."""
    if user.role is Role.ADMIN and user.is_active and not _active_admins(session) - {user.id}:
        raise ServiceError("last_admin")


def change_role(
    session: Session, user: User, role: Role, unit_code: str | None, actor: User
) -> None:
    """Change a user's role (and unit for officers, one of the registry); audited."""
    before, before_unit = user.role, user.unit_code
    unit = _scope(session, role, unit_code, registered=True)
    if role is not Role.ADMIN:
        _keep_an_admin(session, user)
    user.role, user.unit_code = role, unit
    session.flush()
    changed = (before, before_unit) != (user.role, user.unit_code)
    ended = staff_sessions.revoke_all(session, user) if changed else 0
    audit.record(
        session,
        AuditAction.ROLE_CHANGED,
        user=actor,
        target=user.username,
        before=before.value,
        after=role.value,
        unit_code=user.unit_code,
        sessions_ended=ended,
    )


def disable_user(session: Session, user: User, actor: User | None, ip: str | None) -> bool:
    """Disable an account and end its sessions; False when it was already disabled. Nobody
    disables themselves, and the last active administrator stays."""
    if actor is not None and actor.id == user.id:
        raise ServiceError("cannot_disable_self")
    _keep_an_admin(session, user)
    if not user.is_active:
        return False
    user.is_active = False
    ended = staff_sessions.revoke_all(session, user)
    audit.record(
        session,
        AuditAction.USER_DISABLED,
        user=actor,
        target=user.username,
        ip=ip,
        sessions_ended=ended,
    )
    return True


def enable_user(session: Session, user: User, actor: User | None, ip: str | None) -> bool:
    """Let a disabled account log in again; False when it was active."""
    if user.is_active:
        return False
    user.is_active = True
    audit.record(session, AuditAction.USER_ENABLED, user=actor, target=user.username, ip=ip)
    return True


def reset_password(
    session: Session, user: User, password: str | None, actor: User | None, ip: str | None
) -> str:
    """Give ``user`` the password typed (or, for None, a generated one), end their sessions;
    audited without the password. Returns the new password, to show once."""
    chosen = password if password is not None else new_password()
    _check_password(chosen)
    user.password_hash = hash_password(chosen)
    ended = staff_sessions.revoke_all(session, user)
    audit.record(
        session,
        AuditAction.PASSWORD_RESET,
        user=actor,
        target=user.username,
        ip=ip,
        generated=password is None,
        sessions_ended=ended,
    )
    return chosen


def end_sessions(session: Session, user: User, actor: User, ip: str | None) -> int:
    """Sign ``user`` out on every device (a lost phone, a shared computer); audited as a
    logout of that user by ``actor``. Returns how many sessions were live."""
    ended = staff_sessions.revoke_all(session, user)
    audit.record(
        session,
        AuditAction.LOGOUT,
        user=actor,
        target=user.username,
        ip=ip,
        reason="revoked_by_admin",
        sessions_ended=ended,
    )
    return ended


class AccountState(StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"


@dataclass(frozen=True)
class AccountFilter:
    """What the administrator looks for: text in the username, name or unit (code or name,
    with or without diacritics), a role, active or disabled accounts."""

    text: str = ""
    role: Role | None = None
    state: AccountState | None = None


@dataclass(frozen=True)
class AccountRow:
    id: int
    username: str
    full_name: str
    role: Role
    unit_code: str | None
    unit_name: str | None
    is_active: bool
    last_login_at: dt.datetime | None

    @property
    def state(self) -> AccountState:
        return AccountState.ACTIVE if self.is_active else AccountState.DISABLED


@dataclass(frozen=True)
class AccountPage:
    """One page of the accounts found; each chip's count is what choosing it would list
    (the role counts under the text and state asked for, the state counts under the role)."""

    rows: list[AccountRow]
    total: int
    number: int
    pages: int
    offset: int
    by_role: dict[Role, int]
    by_state: dict[AccountState, int]


def search_users(
    session: Session, wanted: AccountFilter, page: int = 1, size: int = 50
) -> AccountPage:
    """The accounts matching ``wanted``, by role then username, page ``page`` of ``size``.

    A province has hundreds of accounts, so they are read whole and filtered here (names
    matched folded, as people type them without diacritics)."""
    names = {c.code: c.name for c in unit_choices(session)}
    order = {role: i for i, role in enumerate(Role)}
    every = sorted(
        (_row(user, names) for user in session.scalars(select(User))),
        key=lambda r: (order[r.role], r.username),
    )
    needle = fold(wanted.text)
    texts = [r for r in every if not needle or needle in _haystack(r)]
    of_state = [r for r in texts if wanted.state in (None, r.state)]
    found = [r for r in of_state if wanted.role in (None, r.role)]
    pages = max((len(found) + size - 1) // size, 1)
    number = min(max(page, 1), pages)
    offset = (number - 1) * size
    return AccountPage(
        rows=found[offset : offset + size],
        total=len(found),
        number=number,
        pages=pages,
        offset=offset,
        by_role=dict(Counter(r.role for r in of_state)),
        by_state=dict(Counter(r.state for r in texts if wanted.role in (None, r.role))),
    )


def _row(user: User, names: dict[str, str]) -> AccountRow:
    return AccountRow(
        user.id,
        user.username,
        user.full_name,
        user.role,
        user.unit_code,
        names.get(user.unit_code or ""),
        user.is_active,
        user.last_login_at,
    )


def _haystack(row: AccountRow) -> str:
    return fold(" ".join([row.username, row.full_name, row.unit_code or "", row.unit_name or ""]))


# --- the spreadsheet import -------------------------------------------------------------------

IMPORT_HEADERS = ("Tên đăng nhập", "Họ và tên", "Mã đơn vị", "Vai trò", "Mật khẩu")
_IMPORT_KEYS = ("username", "full_name", "unit_code", "role", "password")
_IMPORT_ALIASES = {
    "username": ("ten dang nhap", "tai khoan", "ten tai khoan", "username", "login"),
    "full_name": ("ho va ten", "ho ten", "full name", "name"),
    "unit_code": ("ma don vi", "ma dv", "unit code", "unit"),
    "role": ("vai tro", "role"),
    "password": ("mat khau", "password"),
}
_REQUIRED_COLUMNS = ("username", "full_name", "unit_code")
_HEADER_ROWS = 20
MAX_IMPORT_ROWS = 300
"""Accounts one file may create: each password costs an Argon2 hash (0.1-0.25 s) in the
request, so 300 rows stay well inside the server's request timeout."""
ROLE_WORDS: dict[str, Role] = {
    **{fold(role.value): role for role in Role},
    "quan tri": Role.ADMIN,
    "quan tri dot khao sat": Role.ADMIN,
    "can bo don vi": Role.UNIT_OFFICER,
    "can bo": Role.UNIT_OFFICER,
    "dieu tra vien": Role.INTERVIEWER,
    "nhap phieu": Role.INTERVIEWER,
    "dieu tra vien / nhap phieu": Role.INTERVIEWER,
    "phan tich vien": Role.ANALYST,
    "tham dinh": Role.APPRAISER,
    "thanh vien to tham dinh": Role.APPRAISER,
}
"""What people write in the Vai trò column (folded), and the role it means."""


@dataclass(frozen=True)
class ImportRow:
    """One data row as written; ``row`` is its number in the file."""

    row: int
    username: str
    full_name: str
    unit_code: str
    role: str
    password: str


@dataclass(frozen=True)
class NewAccount:
    """An account the import created; ``password`` only when it was generated (to hand
    back once), None when the file gave it."""

    row: int
    username: str
    full_name: str
    role: Role
    unit_code: str | None
    password: str | None


def _header_cell(value: object) -> str:
    """A header folded, without marks like "*" or a note in brackets ("Mật khẩu (nếu có)")."""
    return fold(re.sub(r"\(.*?\)", " ", str(value or "")).replace("*", " ").replace(":", " "))


def _positions(cells: Sequence[object]) -> dict[str, int] | None:
    folded = [_header_cell(c) for c in cells]
    found = {
        key: folded.index(alias)
        for key, aliases in _IMPORT_ALIASES.items()
        for alias in reversed(aliases)
        if alias in folded
    }
    return found if all(k in found for k in _REQUIRED_COLUMNS) else None


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", "" if value is None else str(value)).strip()


def _cell(cells: Sequence[object], at: int | None) -> str:
    return _text(cells[at]) if at is not None and at < len(cells) else ""


def _sheets(filename: str, data: bytes) -> list[SheetSource]:
    """The sheets of an upload whose size the web layer bounded (``read_upload``); the type
    comes from the bytes, zip members are bounded by ``detect_type``."""
    kind = detect_type(filename, data, max_bytes=max(len(data), 1))
    if kind is FileType.XLSX:
        return xlsx_sheets(data)
    if kind is FileType.XLS:
        return xls_sheets(data)
    if kind is FileType.ODS:
        return ods_sheets(data)
    if kind is FileType.CSV:
        return csv_sheets(data)
    raise ServiceError("file_unreadable", detail=kind.value.upper())


def read_import(filename: str, data: bytes) -> list[ImportRow]:
    """The accounts' rows of an upload (XLSX, XLS, ODS or CSV): the first sheet with the
    header on one of its first 20 rows; blank rows skipped; at most ``MAX_IMPORT_ROWS``.
    Raises ``IngestError`` for a file that cannot be read, ``ServiceError`` otherwise."""
    for sheet in _sheets(filename, data):
        grid = iter(sheet.grid)
        head = list(islice(grid, _HEADER_ROWS))
        for index, (_number, cells) in enumerate(head):
            positions = _positions(cells)
            if positions is not None:
                return _data_rows(chain(head[index + 1 :], grid), positions)
    raise ServiceError(
        "missing_columns", columns=", ".join(IMPORT_HEADERS[: len(_REQUIRED_COLUMNS)])
    )


def _data_rows(grid: Iterator[GridRow], positions: dict[str, int]) -> list[ImportRow]:
    rows: list[ImportRow] = []
    for number, cells in grid:
        values = {key: _cell(cells, positions.get(key)) for key in _IMPORT_KEYS}
        if not any(values.values()):
            continue
        if len(rows) == MAX_IMPORT_ROWS:
            raise ServiceError("too_many_accounts", limit=MAX_IMPORT_ROWS)
        rows.append(ImportRow(number, **values))
    if not rows:
        raise ServiceError("empty_file")
    return rows


@dataclass(frozen=True)
class _Checked:
    row: ImportRow
    username: str
    role: Role


def check_import(
    session: Session, rows: list[ImportRow]
) -> tuple[list[_Checked], list[RowProblem]]:
    """Every row checked as ``create_user`` will check it, and against the file's other rows;
    every problem of every row (not just the first)."""
    wanted = [r.username.strip().lower() for r in rows]
    taken = set(session.scalars(select(User.username).where(User.username.in_(wanted))))
    units = {c.code.upper() for c in unit_choices(session)}
    first: dict[str, int] = {}
    checked, problems = [], []
    for row in rows:
        found = _row_problems(row, units)
        username = row.username.strip().lower()
        if username in first:
            found.append(("duplicate_username", {"value": username, "first_row": first[username]}))
        elif username in taken:
            found.append(("username_taken", {"value": username}))
        first.setdefault(username, row.row)
        problems += [RowProblem(row.row, code, params) for code, params in found]
        if not found:
            checked.append(_Checked(row, username, ROLE_WORDS[fold(row.role or "unit_officer")]))
    return checked, problems


def _row_problems(row: ImportRow, units: set[str]) -> list[tuple[str, dict[str, object]]]:
    found: list[tuple[str, dict[str, object]]] = []
    for key, header in (("username", IMPORT_HEADERS[0]), ("full_name", IMPORT_HEADERS[1])):
        if not getattr(row, key):
            found.append(("required", {"column": header}))
    if len(row.full_name) > 200:
        found.append(("value_too_long", {"column": IMPORT_HEADERS[1], "limit": 200}))
    if row.username and not _USERNAME.fullmatch(row.username.lower()):
        found.append(("bad_username", {"value": row.username[:80]}))
    role = ROLE_WORDS.get(fold(row.role or "unit_officer"))
    if role is None:
        found.append(("bad_role", {"value": row.role[:80], "allowed": _role_examples()}))
    elif role in UNIT_ROLES and not row.unit_code:
        found.append(("unit_required", {}))
    elif role in UNIT_ROLES and row.unit_code.upper() not in units:
        found.append(("unit_not_registered", {"value": row.unit_code[:40]}))
    elif role not in UNIT_ROLES and row.unit_code:
        found.append(("unit_not_for_role", {"value": row.unit_code[:40]}))
    if row.password and len(row.password) < MIN_PASSWORD_LENGTH:
        found.append(("weak_password", {"min_length": MIN_PASSWORD_LENGTH}))
    return found


def _role_examples() -> str:
    return "Cán bộ đơn vị, Điều tra viên, Phân tích viên, Thẩm định, Quản trị"


def import_users(session: Session, filename: str, data: bytes, actor: User) -> list[NewAccount]:
    """Create every account of the file through :func:`create_user`, or none when any row
    is wrong (``RowsRejected`` with every row's problems). Audited with the count; the
    generated passwords come back here only, never stored in clear nor logged."""
    checked, problems = check_import(session, read_import(filename, data))
    if problems:
        raise RowsRejected(problems)
    created = []
    passwords = [item.row.password or new_password() for item in checked]
    for password in passwords:
        _check_password(password)
    # every password hashed before the first insert (Argon2 releases the GIL: two threads on
    # two cores), so the database's write lock is held for the inserts only
    with ThreadPoolExecutor(max_workers=2) as pool:
        hashes = list(pool.map(hash_password, passwords))
    for item, password, hashed in zip(checked, passwords, hashes, strict=True):
        user = create_user(
            session,
            username=item.username,
            full_name=item.row.full_name,
            password=password,
            role=item.role,
            unit_code=item.row.unit_code or None,
            actor=actor,
            password_hash=hashed,
        )
        generated = None if item.row.password else password
        created.append(
            NewAccount(
                item.row.row, user.username, user.full_name, user.role, user.unit_code, generated
            )
        )
    audit.record(
        session,
        AuditAction.USERS_IMPORTED,
        user=actor,
        target=filename[:200],
        count=len(created),
        generated=sum(1 for a in created if a.password),
    )
    return created


def credentials_csv(created: Iterable[NewAccount], names: dict[str, str]) -> bytes:
    """The accounts created with their generated passwords, for the administrator to hand
    out (built in the response, never kept)."""
    header = ("Tên đăng nhập", "Họ và tên", "Mã đơn vị", "Tên đơn vị", "Mật khẩu")
    rows = [
        (a.username, a.full_name, a.unit_code, names.get(a.unit_code or ""), a.password or "")
        for a in created
    ]
    return csv_bytes(header, rows)


def import_template(session: Session) -> bytes:
    """An XLSX with the import's headers, a sheet of the registry's units (codes to copy) and
    one explaining each column."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    bold = book.add_format({"bold": True, "bg_color": "#DCE6F1"})
    sheet = book.add_worksheet("Tài khoản")
    for column, title in enumerate(IMPORT_HEADERS):
        sheet.write_string(0, column, title, bold)
    sheet.set_column(0, 0, 20)
    sheet.set_column(1, 1, 30)
    sheet.set_column(2, 4, 18)
    sheet.freeze_panes(1, 0)
    _sheet_of(book, "Đơn vị", ("Mã đơn vị", "Tên đơn vị"), bold, _unit_rows(session))
    _sheet_of(book, "Hướng dẫn", ("Cột", "Cách điền"), bold, _GUIDE)
    book.close()
    return out.getvalue()


def _unit_rows(session: Session) -> list[tuple[str, str]]:
    return [(c.code, c.name) for c in sorted(unit_choices(session), key=lambda c: c.code)]


_GUIDE = (
    ("Tên đăng nhập", "Bắt buộc; chữ không dấu, số và . _ - @, không có dấu cách."),
    ("Họ và tên", "Bắt buộc."),
    ("Mã đơn vị", "Bắt buộc với cán bộ đơn vị: một mã ở trang Đơn vị; để trống với vai trò khác."),
    ("Vai trò", "Để trống là Cán bộ đơn vị; hoặc: " + _role_examples() + "."),
    (
        "Mật khẩu",
        f"Để trống để tạo tự động (hiện một lần sau khi nhập); nếu ghi, từ "
        f"{MIN_PASSWORD_LENGTH} ký tự.",
    ),
)


def _sheet_of(
    book: xlsxwriter.Workbook,
    name: str,
    header: Sequence[str],
    bold: object,
    rows: Iterable[Sequence[str]],
) -> None:
    sheet = book.add_worksheet(name)
    for column, title in enumerate(header):
        sheet.write_string(0, column, title, bold)
    for r, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            sheet.write_string(r, column, str(safe_cell(value)))
    sheet.set_column(0, 0, 18)
    sheet.set_column(1, 1, 70)
