"""Questionnaires as XLSForm workbooks (the KoboToolbox / ODK convention), both ways.

``read_instrument`` checks a workbook and builds the instrument (``WorkbookError`` lists every
problem with its sheet, row and column in Vietnamese and English); ``instrument_workbook``
writes any instrument as a workbook that reads back to the same content hash. Relevance is
translated to and from the project's own safe condition language (``relevance``).
"""

from questionnaires.xlsform.problems import SheetProblem, WorkbookError
from questionnaires.xlsform.reader import read_instrument
from questionnaires.xlsform.sheets import workbook_kind
from questionnaires.xlsform.writer import instrument_workbook

__all__ = [
    "SheetProblem",
    "WorkbookError",
    "instrument_workbook",
    "read_instrument",
    "workbook_kind",
]
