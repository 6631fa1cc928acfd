"""Campaign designs as data (DOMAIN.md §5, §7, §11): levels, groups, who rates whom, settings.

Pure: PyYAML and the libraries' settings types; no application code. Entry points:

* :func:`parse_design` / :func:`load_yaml` - a checked :class:`CampaignDesign`, or
  :class:`DesignInvalid` with every :class:`Problem` by its path;
* :func:`dump_yaml`, :func:`to_json` - the design as a document that reads back equal;
* :func:`template`, :func:`template_codes`, :func:`template_text` - the shipped templates;
* :func:`dated` - a design with another transaction window and deadlines.
The file format is documented in ``docs/design-file.md``.
"""

from designs.document import dump_yaml, load_yaml, to_document, to_json
from designs.model import (
    SCHEMA_VERSION,
    CampaignDesign,
    Evaluation,
    Group,
    Level,
    ListField,
    ListKind,
    ListSpec,
    RatesShape,
    Selection,
    SelectionRule,
    Text,
    TierPick,
    Window,
    dated,
)
from designs.parse import DesignInvalid, parse_design
from designs.reader import Problem
from designs.settings import (
    AnalysisOptions,
    CampaignSettings,
    Deadlines,
    EntryOptions,
    SamplingOptions,
)
from designs.templates import template, template_codes, template_text, templates

__all__ = [
    "SCHEMA_VERSION",
    "AnalysisOptions",
    "CampaignDesign",
    "CampaignSettings",
    "Deadlines",
    "DesignInvalid",
    "EntryOptions",
    "Evaluation",
    "Group",
    "Level",
    "ListField",
    "ListKind",
    "ListSpec",
    "Problem",
    "RatesShape",
    "SamplingOptions",
    "Selection",
    "SelectionRule",
    "Text",
    "TierPick",
    "Window",
    "dated",
    "dump_yaml",
    "load_yaml",
    "parse_design",
    "template",
    "template_codes",
    "template_text",
    "templates",
    "to_document",
    "to_json",
]
