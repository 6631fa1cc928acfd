"""The ``survey-app`` console script: a Flask CLI group.

survey-app run [--host H] [--port P]     migrate, then serve
survey-app demo [--host H] [--port P]    migrate, load the demo once, print logins, serve
survey-app db upgrade                    apply migrations
survey-app create-user USERNAME --role R [--unit-code C]
survey-app import-units FILE [--campaign ID]
survey-app campaign templates            the design templates shipped with the service
survey-app campaign create (--template CODE | --design FILE) --year Y --name N
survey-app campaign export-design ID     print a campaign's design (YAML)
survey-app campaign import-design ID FILE   replace a campaign's design
survey-app units import-official [--province CODE] [--as-of DATE] [--json]
survey-app units add-official --campaign ID --province CODE --level L [--parent CODE]
survey-app units link --campaign ID UNIT_CODE OFFICIAL_CODE
survey-app units predecessors --campaign ID UNIT_CODE --earlier ID CODE [CODE...]
"""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from werkzeug.serving import run_simple

from survey_app import worker
from survey_app.errors import RowsRejected, ServiceError
from survey_app.persistence.db import new_revision, upgrade
from survey_app.persistence.enums import Role


def _session():  # type: ignore[no-untyped-def]
    return current_app.extensions["session_factory"]()


def _create_app() -> Flask:
    from survey_app import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False)
def main() -> None:
    """Survey service for PAR Index and SIPAS surveys."""


@main.command("run")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def run_command(host: str, port: int) -> None:
    """Apply migrations and serve (development server; use gunicorn in production)."""
    upgrade(current_app.config["DATABASE_URL"])
    _serve(host, port)


def _serve(host: str, port: int) -> None:
    """Werkzeug's server, called directly: ``app.run`` does nothing under a Flask CLI group
    (it sets FLASK_RUN_FROM_CLI), which would print the links and then exit."""
    click.echo(f"Serving at http://{host}:{port}  (Ctrl+C to stop)")
    run_simple(
        host,
        port,
        current_app._get_current_object(),  # type: ignore[attr-defined]
        use_reloader=False,
        use_debugger=False,
        threaded=True,
    )


@main.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--serve/--no-serve", default=True, help="Start the server after loading.")
@click.option(
    "--two-tier/--no-two-tier",
    default=True,
    help="Also load the province after 2025 with its two campaigns (a minute the first time).",
)
@with_appcontext
def demo_command(host: str, port: int, serve: bool, two_tier: bool) -> None:
    """Apply migrations, load the demo campaigns (once) and serve them."""
    from survey_app import demo
    from survey_app.demo.two_tier import ensure_two_tier

    upgrade(current_app.config["DATABASE_URL"])
    sealer = worker.context_of(current_app).sealer
    with _session() as session:
        info = demo.ensure_demo(session, Path(current_app.instance_path), sealer=sealer)
        session.commit()
        loaded = (
            ensure_two_tier(
                session, sealer=sealer, evidence_root=current_app.config["SETTINGS"].evidence_root
            )
            if two_tier
            else []
        )
        session.commit()
    base = f"http://{host}:{port}"
    click.echo(demo.describe(info, base))
    for campaign in loaded:
        click.echo(
            f"Đợt theo mô hình hai cấp (2025): {campaign.name} — "
            f"{base}/?campaign={campaign.campaign_id}"
        )
    if serve:
        _serve(host, port)


@main.group("jobs")
def jobs_group() -> None:
    """Background jobs (issuing invitations)."""


@jobs_group.command("work")
@click.option("--once", is_flag=True, help="Run what is waiting, then stop.")
@with_appcontext
def jobs_work(once: bool) -> None:
    """Run background jobs: queued ones, and ones whose process died (a standalone worker,
    for SURVEY_JOB_RUNNER=external or beside the web processes)."""
    worker.work(current_app._get_current_object(), once=once)  # type: ignore[attr-defined]


@main.group("db")
def db_group() -> None:
    """Database schema."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION."""
    upgrade(current_app.config["DATABASE_URL"], revision)
    click.echo("Database is at " + revision)


@db_group.command("revision")
@click.option("-m", "--message", required=True, help="What the change does, in a few words.")
@click.option("--empty", is_flag=True, help="No autogenerate: an empty upgrade/downgrade.")
@with_appcontext
def db_revision(message: str, empty: bool) -> None:
    """Write the next migration (0004_…) from the models' difference with the database.

    Run it on a database at the current head (`survey-app db upgrade` first), then read and
    adjust the file: on SQLite, add columns with op.execute('ALTER TABLE ..') rather than
    batch mode (docs/development.md says why).
    """
    path = new_revision(current_app.config["DATABASE_URL"], message, autogenerate=not empty)
    click.echo(f"Wrote {path}")


@main.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--full-name", default="")
@click.option("--unit-code", default=None, help="Required for unit officers.")
@click.password_option()
@with_appcontext
def create_user(
    username: str, role: str, full_name: str, unit_code: str | None, password: str
) -> None:
    """Create an account (the password is asked twice, or read from --password)."""
    from survey_app.services import accounts

    if Role(role) is Role.UNIT_OFFICER and not unit_code:
        raise click.UsageError("--unit-code is required for unit officers")
    with _session() as session:
        try:
            accounts.create_user(
                session,
                username=username,
                full_name=full_name or username,
                password=password,
                role=Role(role),
                unit_code=unit_code,
            )
        except ServiceError as exc:
            raise click.ClickException(exc.message("en")) from exc
        session.commit()
    click.echo(f"Created {username} ({role})")


@main.command("import-units")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--campaign",
    "campaign_id",
    type=int,
    default=None,
    help="Campaign id (default: the current campaign).",
)
@with_appcontext
def import_units(file: Path, campaign_id: int | None) -> None:
    """Import the unit registry from CSV or XLSX; any bad row and nothing is imported."""
    from survey_app.services import campaigns, registry

    with _session() as session:
        try:
            campaign = campaigns.get_campaign(session, campaign_id)
            result = registry.import_units(session, campaign, file.name, file.read_bytes(), None)
        except RowsRejected as exc:
            for problem in exc.problems:
                click.echo(f"row {problem.row}: {problem.message('en')}", err=True)
            raise click.ClickException(exc.message("en")) from exc
        except ServiceError as exc:
            raise click.ClickException(exc.message("en")) from exc
        session.commit()
    click.echo(json.dumps({"created": result.created, "updated": result.updated}))


@main.group("units")
def units_group() -> None:
    """The official registry of administrative units and campaigns' links to it."""


@units_group.command("import-official")
@click.option("--province", default=None, help="Only this province (2-digit code, from 2025).")
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default="2025-07-01",
    show_default=True,
    help="The date the summary counts units in force on.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@with_appcontext
def units_import_official(province: str | None, as_of: object, as_json: bool) -> None:
    """Load the country's units and the old -> new mapping (idempotent, recorded)."""
    from survey_app.services import official_units

    day = as_of.date()  # type: ignore[attr-defined]
    with _session() as session:
        try:
            summary = official_units.import_official(session, province_code=province, as_of=day)
        except ServiceError as exc:
            raise click.ClickException(exc.message("en")) from exc
        session.commit()
    if as_json:
        click.echo(json.dumps(summary.to_dict(), ensure_ascii=False, indent=1))
    else:
        for key, value in summary.to_dict().items():
            click.echo(f"{key}: {value}")


@units_group.command("add-official")
@click.option("--campaign", "campaign_id", type=int, required=True)
@click.option("--province", required=True, help="Official province code (e.g. 25).")
@click.option("--level", required=True, help="The design's level code for these communes.")
@click.option("--parent", "parent_code", default=None, help="Code of the parent unit.")
@with_appcontext
def units_add_official(
    campaign_id: int, province: str, level: str, parent_code: str | None
) -> None:
    """Add a province's communes in force on the campaign's date, with their codes."""
    from survey_app.services import campaigns, official_units, registry

    with _session() as session:
        try:
            campaign = campaigns.get_campaign(session, campaign_id)
            parent = registry.unit_by_code(session, campaign, parent_code) if parent_code else None
            added, linked = official_units.add_communes(
                session, campaign, province, level, parent, None
            )
        except ServiceError as exc:
            raise click.ClickException(exc.message("en")) from exc
        session.commit()
    click.echo(json.dumps({"added": added, "linked": linked}))


@units_group.command("link")
@click.option("--campaign", "campaign_id", type=int, required=True)
@click.argument("unit_code")
@click.argument("official_code")
@with_appcontext
def units_link(campaign_id: int, unit_code: str, official_code: str) -> None:
    """Link a campaign's unit to an official commune or province ("-" unlinks)."""
    from survey_app.services import campaigns, official_units, registry

    with _session() as session:
        try:
            campaign = campaigns.get_campaign(session, campaign_id)
            unit = registry.unit_by_code(session, campaign, unit_code)
            code = None if official_code == "-" else official_code
            official = official_units.link(session, campaign, unit, code, None)
        except ServiceError as exc:
            raise click.ClickException(exc.message("en")) from exc
        session.commit()
    click.echo(json.dumps({"unit": unit_code, "official": official.key if official else None}))


@units_group.command("predecessors")
@click.option("--campaign", "campaign_id", type=int, required=True)
@click.option("--earlier", "earlier_id", type=int, required=True, help="The earlier campaign.")
@click.argument("unit_code")
@click.argument("codes", nargs=-1)
@with_appcontext
def units_predecessors(
    campaign_id: int, earlier_id: int, unit_code: str, codes: tuple[str, ...]
) -> None:
    """Set the units of an earlier campaign that a unit continues (none: clear)."""
    from survey_app.services import campaigns, lineage, registry

    with _session() as session:
        try:
            campaign = campaigns.get_campaign(session, campaign_id)
            earlier = campaigns.get_campaign(session, earlier_id)
            unit = registry.unit_by_code(session, campaign, unit_code)
            ids = [registry.unit_by_code(session, earlier, code).id for code in codes]
            chosen = lineage.set_predecessors(session, unit, ids, None)
        except ServiceError as exc:
            raise click.ClickException(exc.message("en")) from exc
        session.commit()
    click.echo(json.dumps({"unit": unit_code, "predecessors": [u.code for u in chosen]}))


@main.command("import-list")
@click.option("--unit", "unit_code", required=True, help="Code of the submitting unit.")
@click.option("--group", required=True, help="Code of the respondent group (the design's).")
@click.option(
    "--campaign",
    "campaign_id",
    type=int,
    default=None,
    help="Campaign id (default: the current campaign).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_list(
    unit_code: str, group: str, campaign_id: int | None, as_json: bool, file: Path
) -> None:
    """Upload a unit's respondent list, as the upload page does, and print the report."""
    from survey_app.ingest import IngestError
    from survey_app.services import campaigns, lists, registry

    with _session() as session:
        try:
            campaign = campaigns.get_campaign(session, campaign_id)
            unit = registry.unit_by_code(session, campaign, unit_code)
            result = lists.upload(
                session, campaign, unit, group, file.name, file.read_bytes(), None
            )
        except IngestError as exc:
            raise click.ClickException(f"{exc.code}: {exc.message_en}") from exc
        except ServiceError as exc:
            raise click.ClickException(exc.message("en")) from exc
        session.commit()
    summary = {
        **result.report.to_summary_dict(),
        "version": result.unit_list.version,
        "new_version": result.new_version,
    }
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False, indent=1))
        return
    click.echo(
        f"version {summary['version']}: {summary['rows_read']} rows read, "
        f"{summary['eligible']} eligible, {summary['excluded']} excluded "
        f"{summary['excluded_by_reason']}, warnings {summary['warnings']}"
    )


@main.command("sample")
@click.option(
    "--campaign",
    "campaign_id",
    type=int,
    default=None,
    help="Campaign id (default: the current campaign).",
)
@click.option("--seed", type=int, required=True, help="Seed of the random generator.")
@click.option(
    "--verify",
    "verify_only",
    is_flag=True,
    help="Redraw the latest run with its stored seed and compare; change nothing.",
)
@with_appcontext
def sample(campaign_id: int | None, seed: int, verify_only: bool) -> None:
    """Draw the campaign's respondents (the same list for the same inputs and seed)."""
    from survey_app.services import campaigns, draws

    with _session() as session:
        try:
            campaign = campaigns.get_campaign(session, campaign_id)
            if verify_only:
                latest = draws.latest_run(session, campaign)
                if latest is None:
                    raise click.ClickException("no sampling run yet")
                result = draws.verify(session, campaign, latest)
                click.echo(
                    json.dumps(
                        {
                            "run": latest.id,
                            "matches": result.matches,
                            "frame_hash_matches": result.frame_hash_matches,
                            "differences": result.differences,
                        }
                    )
                )
                return
            stored = draws.run(session, campaign, seed, None)
        except ServiceError as exc:
            raise click.ClickException(exc.message("en")) from exc
        session.commit()
        click.echo(
            json.dumps(
                {
                    "run": stored.id,
                    "seed": stored.seed,
                    "frame_hash": stored.frame_hash,
                    **stored.summary,
                },
                ensure_ascii=False,
            )
        )


@main.group("campaign")
def campaign_group() -> None:
    """Campaigns and their designs (levels, groups, who rates whom, settings)."""


@campaign_group.command("templates")
def campaign_templates() -> None:
    """List the design templates shipped with the service."""
    import designs

    for code in designs.template_codes():
        design = designs.template(code)
        click.echo(
            f"{code}\t{design.name.vi} / {design.name.en}\t"
            f"{len(design.groups)} groups, {len(design.evaluations)} evaluation lines"
        )


def _echo_problems(exc: ServiceError) -> None:
    from survey_app.services.designs import DesignRefused

    if isinstance(exc, DesignRefused):
        for vi, en in zip(exc.lines("vi"), exc.lines("en"), strict=True):
            click.echo(f"- {vi}\n  {en}", err=True)


@campaign_group.command("create")
@click.option("--template", "template_code", default=None, help="Code of a shipped template.")
@click.option(
    "--design",
    "design_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A design file (YAML), e.g. one exported and edited.",
)
@click.option("--year", type=int, required=True)
@click.option("--name", required=True)
@with_appcontext
def campaign_create(
    template_code: str | None, design_file: Path | None, year: int, name: str
) -> None:
    """Create a campaign from a template or a design file; an invalid design creates nothing."""
    from survey_app.services import designs as designs_service

    if (template_code is None) == (design_file is None):
        raise click.UsageError("give exactly one of --template and --design")
    with _session() as session:
        try:
            if template_code is not None:
                design = designs_service.template(template_code)
            else:
                assert design_file is not None
                design = designs_service.read_document(design_file.read_bytes(), session)
            campaign = designs_service.create_campaign(
                session, design, year=year, name=name, actor=None
            )
        except ServiceError as exc:
            _echo_problems(exc)
            raise click.ClickException(exc.message("en")) from exc
        session.commit()
        click.echo(json.dumps({"campaign": campaign.id, "year": year, "name": campaign.name}))


@campaign_group.command("export-design")
@click.argument("campaign_id", type=int)
@with_appcontext
def campaign_export_design(campaign_id: int) -> None:
    """Print a campaign's design as YAML (import it again with import-design or create)."""
    import designs
    from survey_app.services import campaigns
    from survey_app.services.designs import design_of

    with _session() as session:
        try:
            campaign = campaigns.get_campaign(session, campaign_id)
        except ServiceError as exc:
            raise click.ClickException(exc.message("en")) from exc
        click.echo(designs.dump_yaml(design_of(campaign)), nl=False)


@campaign_group.command("import-design")
@click.argument("campaign_id", type=int)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def campaign_import_design(campaign_id: int, file: Path) -> None:
    """Replace a campaign's design by a design file; refused (nothing changes) when invalid
    or when it drops a level or group the campaign's data uses."""
    from survey_app.services import campaigns
    from survey_app.services import designs as designs_service

    with _session() as session:
        try:
            campaign = campaigns.get_campaign(session, campaign_id)
            design = designs_service.read_document(file.read_bytes(), session)
            designs_service.save_design(session, campaign, design, None)
        except ServiceError as exc:
            _echo_problems(exc)
            raise click.ClickException(exc.message("en")) from exc
        session.commit()
        click.echo(json.dumps({"campaign": campaign.id, "groups": len(design.groups)}))


@main.group("instrument")
def instrument_group() -> None:
    """Questionnaires and criteria trees as XLSForm workbooks."""


@instrument_group.command("check")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Problems or summary as JSON.")
def instrument_check(file: Path, as_json: bool) -> None:
    """Check a questionnaire (or criteria tree) workbook; exit 1 when it has problems."""
    from questionnaires.xlsform import WorkbookError, read_instrument, workbook_kind
    from questionnaires.xlsform.summary import summary, tree_summary
    from questionnaires.xlsform.trees import read_tree

    data = file.read_bytes()
    try:
        if workbook_kind(data) == "tree":
            result = tree_summary(read_tree(data))
        else:
            result = summary(read_instrument(data, source=file.name))
    except WorkbookError as exc:
        if as_json:
            click.echo(json.dumps([p.as_json() for p in exc.problems], ensure_ascii=False))
        else:
            for p in exc.problems:
                click.echo(f"{p.place()}: {p.message_vi} / {p.message_en}")
        raise SystemExit(1) from exc
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
    else:
        for key, value in result.items():
            click.echo(f"{key}: {value}")


@instrument_group.command("export")
@click.argument("code")
@click.option("--version", "version", default=None, help="A published version (default: shipped).")
@click.option("--tree", is_flag=True, help="CODE is a criteria tree.")
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def instrument_export(code: str, version: str | None, tree: bool, output: Path) -> None:
    """Write a questionnaire (or criteria tree) as a workbook that uploads back unchanged."""
    from questionnaires.xlsform import workbook_kind
    from survey_app.services import workbooks

    with _session() as session:
        try:
            _name, body = workbooks.workbook_of(session, code, None if tree else version)
        except ServiceError as exc:
            raise click.ClickException(exc.message("en")) from exc
    if tree and workbook_kind(body) != "tree":
        raise click.ClickException(f"no criteria tree {code!r}")
    output.write_bytes(body)
