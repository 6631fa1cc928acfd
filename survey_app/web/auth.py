"""Login and logout. Attempts are rate-limited per address and per username; each login is a
server-side session row (``services.staff_sessions``) that logging out revokes."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from survey_app import ratelimit
from survey_app.persistence.session import get_session
from survey_app.security import SESSION_TOKEN_KEY, current_user, login_required, public
from survey_app.services import accounts, staff_sessions
from survey_app.web.form_messages import Form as FlaskForm

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    # no control characters: NUL cannot even be compared with a PostgreSQL text column
    username = StringField(
        "username", validators=[DataRequired(), Length(max=80), Regexp(r"^[^\x00-\x1f\x7f]*$")]
    )
    password = PasswordField("password", validators=[DataRequired(), Length(max=200)])


def _login_limit() -> str:
    return str(current_app.config["SETTINGS"].login_rate_limit)


def _username_key() -> str:
    """Per username, from any address: slows down guessing one account from many machines."""
    return "user:" + ratelimit.digest(request.form.get("username", "")[:200].strip().lower())


@bp.route("/login", methods=["GET", "POST"])
@public
@ratelimit.limited(_login_limit, methods=("POST",))
@ratelimit.limited(_login_limit, _username_key, methods=("POST",))
def login() -> str | Response:
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = accounts.authenticate(
            get_session(), form.username.data or "", form.password.data or "", request.remote_addr
        )
        if user is not None:
            session.clear()
            session[SESSION_TOKEN_KEY] = staff_sessions.open_session(
                get_session(), user, request.remote_addr
            )
            session.permanent = True
            if user.locale:
                session["locale"] = user.locale
            target = request.args.get("next", "")
            if not target.startswith("/") or target.startswith("//"):
                target = url_for("main.home")
            return redirect(target)
        error = _("Tên đăng nhập hoặc mật khẩu không đúng.")
    elif form.is_submitted():  # too long, blank or with control characters: same answer
        error = _("Tên đăng nhập hoặc mật khẩu không đúng.")
    # A failed attempt answers 200 so that its audit event is committed with the request.
    return render_template("auth/login.html", form=form, error=error)


@bp.post("/logout")
@login_required
def logout() -> Response:
    """End this login on the server too: a copy of the cookie no longer opens anything."""
    staff_sessions.log_out(
        get_session(), current_user(), str(session.get(SESSION_TOKEN_KEY, "")), request.remote_addr
    )
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    return redirect(url_for("auth.login"))
