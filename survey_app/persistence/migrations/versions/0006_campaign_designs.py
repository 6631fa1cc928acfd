"""Campaign designs as data: levels, groups and evaluation lines are rows; one invitation per
respondent and rated unit

- ``campaign_levels``, ``campaign_groups``, ``campaign_evaluations``: a campaign's design as
  rows; ``units.level``, ``unit_lists.group`` and ``respondents.group`` name them under
  composite foreign keys instead of CHECK lists of fixed enums.
- ``campaigns.design``: the design document (``designs.to_json``). Each existing campaign gets
  the design its fixed kind had (the 2023 groups, selection rules and questionnaires), with its
  window, deadlines and settings moved into it; the old columns (``window_*``,
  ``list_deadline``, ``allow_late_uploads``, ``settings``) are dropped. ``fieldwork_opens``
  and ``fieldwork_closes`` stay, as a copy of the design's dates that the form service reads
  in its one query (written only by ``services/designs.py``).
- ``invitations.rated_unit_id``: the unit an invitation rates (from the respondent's old
  ``rated_unit_id``, else their unit), unique per respondent, rated unit and instrument;
  ``respondents.rated_unit_id`` is dropped. No response, answer or score changes.

On SQLite the tables are rebuilt in batch mode with foreign keys off (``env.py``), and
``PRAGMA foreign_key_check`` must find nothing afterwards.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 13:30:00
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

OLD_LEVELS = ('province', 'department', 'subunit', 'district', 'commune', 'ministry',
              'ministry_department', 'association')
OLD_GROUPS = ('council_delegate', 'department_leader', 'subunit_leader', 'district_leader',
              'citizen', 'ministry_department_leader', 'province_department_leader_for_ministry',
              'ministry_subunit_leader', 'par_officer', 'association_leader')
OLD_KINDS = ('provincial_par', 'internal_index', 'commune_index', 'sipas')

# The fixed 2023 design, frozen here as it was in domain/enums.py, services/lists.py,
# services/instruments.py and web/labels.py before this revision.
LEVELS = {
    'province': (None, 'Tỉnh', 'Province'),
    'department': ('province', 'Sở, ban, ngành', 'Department'),
    'subunit': ('department', 'Đơn vị thuộc sở', 'Unit under a department'),
    'district': ('province', 'Huyện, thị xã, thành phố', 'District'),
    'commune': ('district', 'Xã, phường, thị trấn', 'Commune'),
    'ministry': (None, 'Bộ, ngành', 'Ministry'),
    'ministry_department': ('ministry', 'Vụ, cục thuộc bộ', 'Ministry department'),
    'association': (None, 'Hội, hiệp hội', 'Association'),
}
GROUPS = {  # code: (submitted by, vi, en)
    'council_delegate': ('province', 'Đại biểu HĐND tỉnh', 'Provincial council delegates'),
    'department_leader': ('department', 'Lãnh đạo sở, ban, ngành', 'Department leaders'),
    'subunit_leader': ('subunit', 'Lãnh đạo đơn vị thuộc sở', 'Leaders of units under departments'),
    'district_leader': ('district', 'Lãnh đạo UBND cấp huyện', 'District leaders'),
    'citizen': ('commune', 'Người dân, tổ chức', 'Citizens and organisations'),
    'ministry_department_leader': ('ministry_department', 'Lãnh đạo vụ, cục thuộc bộ',
                                   'Leaders of ministry departments'),
    'province_department_leader_for_ministry': ('department', 'Lãnh đạo sở (đánh giá bộ)',
                                                'Department leaders rating a ministry'),
    'ministry_subunit_leader': ('subunit', 'Lãnh đạo đơn vị thuộc sở (đánh giá bộ)',
                                'Sub-unit leaders rating a ministry'),
    'par_officer': ('ministry', 'Công chức làm công tác CCHC', 'PAR officers'),
    'association_leader': ('association', 'Lãnh đạo hội, hiệp hội', 'Association leaders'),
}
GROUPS_BY_KIND = {
    'provincial_par': ('council_delegate', 'department_leader', 'subunit_leader',
                       'district_leader', 'citizen'),
    'internal_index': ('department_leader', 'subunit_leader', 'district_leader', 'citizen'),
    'commune_index': ('citizen',),
    'sipas': ('citizen',),
}
QUESTIONNAIRE = {
    'council_delegate': 'par_province_council',
    'department_leader': 'par_province_department',
    'subunit_leader': 'par_province_subunit',
    'district_leader': 'par_province_district',
    'ministry_department_leader': 'par_ministry',
    'province_department_leader_for_ministry': 'par_ministry',
    'ministry_subunit_leader': 'par_ministry',
    'par_officer': 'par_ministry',
    'association_leader': 'par_ministry',
}
CITIZEN_QUESTIONNAIRE = {'provincial_par': 'sipas_citizen', 'sipas': 'sipas_citizen',
                         'commune_index': 'commune_citizen', 'internal_index': 'commune_citizen'}
KIND_NAMES = {
    'provincial_par': ('Chỉ số CCHC cấp tỉnh', 'Provincial PAR Index'),
    'internal_index': ('Chỉ số CCHC nội bộ của tỉnh', 'Internal PAR index'),
    'commune_index': ('Chỉ số CCHC cấp xã', 'Commune PAR index'),
    'sipas': ('Khảo sát SIPAS', 'SIPAS survey'),
}


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value[:10]
    return str(value.isoformat())


def _loads(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        value = json.loads(value or '{}')
    return dict(value or {})


def legacy_design(campaign: Any, used_levels: set[str], used_groups: set[str]) -> dict[str, Any]:
    """The design document the campaign's fixed kind had, with its own settings."""
    settings = _loads(campaign.settings)
    sampling = settings.get('sampling') or {}
    groups = [g for g in OLD_GROUPS if g in GROUPS_BY_KIND[campaign.kind] or g in used_groups]
    needed = set(used_levels) | {GROUPS[g][0] for g in groups} | {'province'}
    closure: set[str] = set()
    for start in needed:
        code: str | None = start
        while code is not None and code not in closure:
            closure.add(code)
            code = LEVELS[code][0]
    levels = [
        {'code': code, 'name': {'vi': LEVELS[code][1], 'en': LEVELS[code][2]},
         'parent': LEVELS[code][0], 'ranked': code != 'subunit'}
        for code in OLD_LEVELS if code in closure
    ]
    shares = (settings.get('pooling') or {}).get('group_shares') or {}
    window = None
    if campaign.window_from is not None and campaign.window_to is not None:
        window = {'start': _iso(campaign.window_from), 'end': _iso(campaign.window_to)}
    citizens = sampling.get('citizens') or {}
    districts = sampling.get('districts') or {}
    quotas = (sampling.get('quotas') or {}).get('quotas') or {
        'par_officer': 40, 'association_leader': 3}
    group_docs = []
    for code in groups:
        submitted, vi, en = GROUPS[code]
        doc: dict[str, Any] = {'code': code, 'name': {'vi': vi, 'en': en},
                               'submitted_by': submitted}
        if code == 'citizen':
            doc['selection'] = {'rule': 'stratified',
                                'sample_size': int(citizens.get('sample_size', 30)),
                                'reserve_size': int(citizens.get('reserve_size', 10))}
            doc['list'] = {'kind': 'transactions',
                           'expected': int(settings.get('citizens_per_commune', 30))}
            if window:
                doc['window'] = window
        elif code == 'district_leader':
            k = int(districts.get('districts_per_province', 4))
            doc['selection'] = {'rule': 'census_in_chosen', 'chosen_level': 'district',
                                'per_parent': k,
                                'min_per_parent': int(districts.get('min_k', 3)),
                                'max_per_parent': int(districts.get('max_k', 4)),
                                'tier_pick': districts.get('tier_pick', 'pps')}
        elif code in quotas:
            doc['selection'] = {'rule': 'quota', 'quota': int(quotas[code])}
        else:
            doc['selection'] = {'rule': 'census'}
        if code not in ('citizen', 'council_delegate'):
            doc['list'] = {'kind': 'officials', 'required': ['position', 'unit']}
        elif code == 'council_delegate':
            doc['list'] = {'kind': 'officials', 'required': []}
        if code in shares and all(g in shares for g in groups):  # all or none, as designs ask
            doc['share'] = float(shares[code])
        group_docs.append(doc)
    evaluations = [
        {'group': code, 'rates': 'own_unit' if code == 'citizen' else 'province',
         'questionnaire': CITIZEN_QUESTIONNAIRE[campaign.kind] if code == 'citizen'
         else QUESTIONNAIRE[code]}
        for code in groups
    ]
    analysis = _analysis(settings, campaign.kind)
    vi, en = KIND_NAMES[campaign.kind]
    return {
        'schema': 1,
        'template': None,
        'kind': campaign.kind,
        'name': {'vi': vi, 'en': en},
        'levels': levels,
        'groups': group_docs,
        'evaluations': evaluations,
        'settings': {
            'deadlines': {'lists': _iso(campaign.list_deadline),
                          'fieldwork_opens': _iso(campaign.fieldwork_opens),
                          'fieldwork_closes': _iso(campaign.fieldwork_closes),
                          'late_uploads': bool(campaign.allow_late_uploads)},
            'sampling': {'margin_of_error': float(sampling.get('margin_of_error', 0.05))},
            'entry': {'double_entry': bool(settings.get('double_entry', False))},
            'analysis': analysis,
        },
    }


def _number(value: Any) -> Any:
    """A number stored as text by an older version ("0.9") as a number; anything else as is."""
    if isinstance(value, str):
        try:
            return float(value) if '.' in value else int(value)
        except ValueError:
            return value
    return value


def _analysis(settings: dict[str, Any], kind: str) -> dict[str, Any]:
    """The old analysis keys, numbers as numbers, bands highest first, and the criteria tree
    named (it was the kind's default), so that no score depends on the kind any more."""
    analysis: dict[str, Any] = {
        'criteria_tree': settings.get('criteria_tree')
        or ('commune_2021' if kind == 'commune_index' else 'province_2022')
    }
    for key in ('estimation', 'sipas', 'par_index'):
        if isinstance(settings.get(key), dict):
            analysis[key] = {k: _number(v) for k, v in settings[key].items()}
    bands = settings.get('bands')
    if isinstance(bands, dict):
        analysis['bands'] = {
            name: sorted(([str(b[0]), _number(b[1])] for b in scheme), key=lambda b: -b[1])
            for name, scheme in bands.items()
            if isinstance(scheme, list) and scheme
        }
    return analysis


def _old_sampling(groups: list[dict[str, Any]]) -> dict[str, Any]:
    """The 0005 sampling settings from the groups' selections (downgrade)."""
    found: dict[str, Any] = {'quotas': {'quotas': {}}}
    for group in groups:
        sel = group.get('selection') or {}
        if sel.get('rule') == 'stratified':
            found['citizens'] = {'sample_size': sel.get('sample_size', 30),
                                 'reserve_size': sel.get('reserve_size', 10)}
        elif sel.get('rule') == 'census_in_chosen':
            found['districts'] = {'districts_per_province': sel.get('per_parent', 4),
                                  'min_k': sel.get('min_per_parent', 3),
                                  'max_k': sel.get('max_per_parent', 4),
                                  'tier_pick': sel.get('tier_pick', 'pps')}
        elif sel.get('rule') == 'quota':
            found['quotas']['quotas'][group['code']] = sel.get('quota')
    return found


def _strip_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_strip_none(v) for v in value]
    return value


def _store_rows(conn: Any, campaign_id: int, design: dict[str, Any]) -> None:
    for i, level in enumerate(design['levels']):
        conn.execute(sa.text(
            'INSERT INTO campaign_levels (campaign_id, code, name_vi, name_en, parent_code, '
            'ranked, position) VALUES (:c, :code, :vi, :en, :parent, :ranked, :pos)'),
            {'c': campaign_id, 'code': level['code'], 'vi': level['name']['vi'],
             'en': level['name']['en'], 'parent': level.get('parent'),
             'ranked': level.get('ranked', True), 'pos': i})
    for i, group in enumerate(design['groups']):
        conn.execute(sa.text(
            'INSERT INTO campaign_groups (campaign_id, code, name_vi, name_en, submitted_by, '
            'rule, position) VALUES (:c, :code, :vi, :en, :by, :rule, :pos)'),
            {'c': campaign_id, 'code': group['code'], 'vi': group['name']['vi'],
             'en': group['name']['en'], 'by': group['submitted_by'],
             'rule': group['selection']['rule'], 'pos': i})
    for i, line in enumerate(design['evaluations']):
        conn.execute(sa.text(
            'INSERT INTO campaign_evaluations (campaign_id, group_code, rates, level_code, '
            'within_code, questionnaire, position) VALUES (:c, :g, :r, :l, :w, :q, :pos)'),
            {'c': campaign_id, 'g': line['group'], 'r': line['rates'], 'l': line.get('level'),
             'w': line.get('within'), 'q': line['questionnaire'], 'pos': i})


def _create_tables() -> None:
    op.create_table(
        'campaign_levels',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=48), nullable=False),
        sa.Column('name_vi', sa.String(length=200), nullable=False),
        sa.Column('name_en', sa.String(length=200), nullable=False),
        sa.Column('parent_code', sa.String(length=48), nullable=True),
        sa.Column('ranked', sa.Boolean(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'],
                                name='fk_campaign_levels_campaign_id_campaigns',
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name='pk_campaign_levels'),
        sa.UniqueConstraint('campaign_id', 'code', name='uq_campaign_levels_code'),
    )
    op.create_table(
        'campaign_groups',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=48), nullable=False),
        sa.Column('name_vi', sa.String(length=200), nullable=False),
        sa.Column('name_en', sa.String(length=200), nullable=False),
        sa.Column('submitted_by', sa.String(length=48), nullable=False),
        sa.Column('rule', sa.String(length=48), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'],
                                name='fk_campaign_groups_campaign_id_campaigns',
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['campaign_id', 'submitted_by'],
                                ['campaign_levels.campaign_id', 'campaign_levels.code'],
                                name='fk_campaign_groups_submitted_by_campaign_levels'),
        sa.PrimaryKeyConstraint('id', name='pk_campaign_groups'),
        sa.UniqueConstraint('campaign_id', 'code', name='uq_campaign_groups_code'),
    )
    op.create_table(
        'campaign_evaluations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('group_code', sa.String(length=48), nullable=False),
        sa.Column('rates', sa.String(length=48), nullable=False),
        sa.Column('level_code', sa.String(length=48), nullable=True),
        sa.Column('within_code', sa.String(length=48), nullable=True),
        sa.Column('questionnaire', sa.String(length=80), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'],
                                name='fk_campaign_evaluations_campaign_id_campaigns',
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['campaign_id', 'group_code'],
                                ['campaign_groups.campaign_id', 'campaign_groups.code'],
                                name='fk_campaign_evaluations_group_campaign_groups'),
        sa.PrimaryKeyConstraint('id', name='pk_campaign_evaluations'),
    )


def _convert_campaigns(conn: Any) -> None:
    campaigns = conn.execute(sa.text(
        'SELECT id, kind, settings, window_from, window_to, list_deadline, fieldwork_opens, '
        'fieldwork_closes, allow_late_uploads FROM campaigns ORDER BY id')).all()
    for campaign in campaigns:
        used_levels = {r[0] for r in conn.execute(
            sa.text('SELECT DISTINCT level FROM units WHERE campaign_id = :c'),
            {'c': campaign.id})}
        used_groups = {r[0] for r in conn.execute(sa.text(
            'SELECT "group" FROM unit_lists WHERE campaign_id = :c UNION '
            'SELECT "group" FROM respondents WHERE campaign_id = :c'), {'c': campaign.id})}
        design = _strip_none(legacy_design(campaign, used_levels, used_groups))
        conn.execute(sa.text('UPDATE campaigns SET design = :d WHERE id = :c'),
                     {'d': json.dumps(design, ensure_ascii=False), 'c': campaign.id})
        _store_rows(conn, campaign.id, design)


def upgrade() -> None:
    conn = op.get_bind()
    _create_tables()
    with op.batch_alter_table('campaigns') as batch:
        batch.add_column(sa.Column('design', sa.JSON(), nullable=True))
    _convert_campaigns(conn)
    with op.batch_alter_table('campaigns') as batch:
        batch.alter_column('design', existing_type=sa.JSON(), nullable=False)
        batch.drop_constraint(op.f('ck_campaigns_campaign_kind'), type_='check')
        batch.drop_constraint(op.f('ck_campaigns_window_order'), type_='check')
        for column in ('window_from', 'window_to', 'list_deadline', 'allow_late_uploads',
                       'settings'):
            batch.drop_column(column)
    with op.batch_alter_table('units') as batch:
        batch.drop_constraint(op.f('ck_units_unit_level'), type_='check')
        batch.create_foreign_key(op.f('fk_units_level_campaign_levels'), 'campaign_levels',
                                 ['campaign_id', 'level'], ['campaign_id', 'code'])
    for table in ('unit_lists', 'respondents'):
        check = 'ck_unit_lists_list_group' if table == 'unit_lists' else \
            'ck_respondents_respondent_group'
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(check), type_='check')
            batch.create_foreign_key(op.f(f'fk_{table}_group_campaign_groups'), 'campaign_groups',
                                     ['campaign_id', 'group'], ['campaign_id', 'code'])
    with op.batch_alter_table('invitations') as batch:
        batch.add_column(sa.Column('rated_unit_id', sa.Integer(), nullable=True))
    conn.execute(sa.text(
        'UPDATE invitations SET rated_unit_id = (SELECT COALESCE(r.rated_unit_id, r.unit_id) '
        'FROM respondents r WHERE r.id = invitations.respondent_id)'))
    with op.batch_alter_table('invitations') as batch:
        batch.alter_column('rated_unit_id', existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(op.f('fk_invitations_rated_unit_id_units'), 'units',
                                 ['rated_unit_id'], ['id'])
        batch.drop_constraint(op.f('uq_invitations_respondent'), type_='unique')
        batch.create_unique_constraint(op.f('uq_invitations_task'),
                                       ['respondent_id', 'rated_unit_id', 'instrument_id'])
    with op.batch_alter_table('respondents') as batch:
        batch.drop_constraint(op.f('fk_respondents_rated_unit_id_units'), type_='foreignkey')
        batch.drop_column('rated_unit_id')


def downgrade() -> None:
    """Back to fixed kinds: only for campaigns whose design uses the 2023 codes alone (refused
    otherwise, before anything changes)."""
    conn = op.get_bind()
    foreign = conn.execute(sa.text(
        'SELECT code FROM campaign_groups UNION SELECT code FROM campaign_levels')).scalars()
    unknown = sorted(set(foreign) - set(OLD_GROUPS) - set(OLD_LEVELS))
    if unknown:
        raise RuntimeError(f'designs use codes 0005 cannot hold: {unknown}; downgrade refused')
    with op.batch_alter_table('respondents') as batch:
        batch.add_column(sa.Column('rated_unit_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f('fk_respondents_rated_unit_id_units'), 'units',
                                 ['rated_unit_id'], ['id'])
    conn.execute(sa.text(
        'UPDATE respondents SET rated_unit_id = (SELECT MIN(i.rated_unit_id) FROM invitations i '
        'WHERE i.respondent_id = respondents.id)'))
    with op.batch_alter_table('invitations') as batch:
        batch.drop_constraint(op.f('uq_invitations_task'), type_='unique')
        batch.create_unique_constraint(op.f('uq_invitations_respondent'), ['respondent_id'])
        batch.drop_constraint(op.f('fk_invitations_rated_unit_id_units'), type_='foreignkey')
        batch.drop_column('rated_unit_id')
    for table, check, values in (('unit_lists', 'ck_unit_lists_list_group', OLD_GROUPS),
                                 ('respondents', 'ck_respondents_respondent_group', OLD_GROUPS)):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(f'fk_{table}_group_campaign_groups'), type_='foreignkey')
            batch.create_check_constraint(check.removeprefix(f'ck_{table}_'),
                                          sa.column('group').in_(values))
    with op.batch_alter_table('units') as batch:
        batch.drop_constraint(op.f('fk_units_level_campaign_levels'), type_='foreignkey')
        batch.create_check_constraint('unit_level', sa.column('level').in_(OLD_LEVELS))
    with op.batch_alter_table('campaigns') as batch:
        batch.add_column(sa.Column('window_from', sa.Date(), nullable=True))
        batch.add_column(sa.Column('window_to', sa.Date(), nullable=True))
        batch.add_column(sa.Column('list_deadline', sa.Date(), nullable=True))
        batch.add_column(sa.Column('allow_late_uploads', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column('settings', sa.JSON(), nullable=True))
    for row in conn.execute(sa.text('SELECT id, design FROM campaigns')).all():
        design = _loads(row.design)
        settings = design.get('settings') or {}
        deadlines = settings.get('deadlines') or {}
        groups: list[dict[str, Any]] = design.get('groups', [])
        citizen: dict[str, Any] = next((g for g in groups if g.get('code') == 'citizen'), {})
        window = citizen.get('window') or {}
        old = dict(settings.get('analysis') or {})
        old['double_entry'] = bool((settings.get('entry') or {}).get('double_entry'))
        old['sampling'] = {**_old_sampling(groups),
                           'margin_of_error': (settings.get('sampling') or {}).get(
                               'margin_of_error', 0.05)}
        shares = {g['code']: g['share'] for g in groups if g.get('share') is not None}
        if shares:
            old['pooling'] = {'group_shares': shares}
        expected = (citizen.get('list') or {}).get('expected')
        if expected is not None:
            old['citizens_per_commune'] = expected
        conn.execute(sa.text(
            'UPDATE campaigns SET settings = :s, window_from = :wf, window_to = :wt, '
            'list_deadline = :ld, allow_late_uploads = :late WHERE id = :c'),
            {'s': json.dumps(old, ensure_ascii=False), 'wf': _date(window.get('start')),
             'wt': _date(window.get('end')), 'ld': _date(deadlines.get('lists')),
             'late': bool(deadlines.get('late_uploads')), 'c': row.id})
    with op.batch_alter_table('campaigns') as batch:
        batch.alter_column('settings', existing_type=sa.JSON(), nullable=False)
        batch.drop_column('design')
        batch.create_check_constraint('campaign_kind', sa.column('kind').in_(OLD_KINDS))
        batch.create_check_constraint(
            'window_order', sa.text('window_from IS NULL OR window_to IS NULL OR '
                                    'window_from <= window_to'))
    op.drop_table('campaign_evaluations')
    op.drop_table('campaign_groups')
    op.drop_table('campaign_levels')


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None
