"""The 2025 internal index's self-assessment under way: a live appraisal round to look at.

The Sở Nội vụ of Tỉnh Minh Sơn (T91) opened the self-assessment of its agencies and communes
(Kế hoạch 125/KH-SNV): agencies submit within 11 days, communes within 16, explanations are
asked for from day 18 to day 25. Most agencies have submitted and been appraised, some with
lines the appraiser marked down (the disputed lines the council will see); two were asked to
explain one or two lines, one has sent its explanations and waits for the second round, one
(the Sở Nội vụ itself, the ``sonoivu-2025`` login) is still filling in its report. About a
third of the communes are appraised, a third have submitted and wait (a few are being
appraised), the others are drafting or have not started. The ``thamdinh`` appraiser has every
agency and half of the communes.

Everything goes through the services an officer, the appraiser and the administrator use
(``services/assessment*.py``), with one fixed ``today`` so the deadlines hold. The self
scores are the campaign's seeded appraisal points (:mod:`survey_app.demo.appraisal`), a
little higher on some lines; the appraised scores are those points. Evidence files are small
PDFs made here, one per document a unit cites, kept under the running app's evidence root.

One thing does not go through a service: each unit's officer account (``cb-<code>-2025``) is
added as a row, with the hash of a random secret nobody knows (no one logs in with it).
Creating ~95 accounts through ``accounts.create_user`` would hash ~95 passwords with Argon2
(0.13 s each), twelve seconds of a demo load; the demo logins are made by the service.

The seeding adds a few seconds to the load (each report's lines are written in one
statement per save; each attached file is one write), which is why units attach few files
and explain the other lines in writing.
"""

from __future__ import annotations

import datetime as dt
import secrets
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from domain.assessment import UnitStage
from survey_app.demo.data import person_name
from survey_app.persistence.enums import AuditAction, Role
from survey_app.persistence.models import (
    AppraisalPoint,
    AssessmentScore,
    Campaign,
    ExplanationRequest,
    Unit,
    UnitAssessment,
    User,
)
from survey_app.security import hash_password
from survey_app.services import assessment, assessment_appraisal, assessment_scoring, audit
from survey_app.services.appraisal import campaign_tree
from survey_app.services.assessment_appraisal import AppraisalEntry
from survey_app.services.assessment_scoring import SelfEntry

SEED = 20251218
AGENCY_DAYS = 11
COMMUNE_DAYS = 16
EXPLAIN_FROM_DAYS = 18
EXPLAIN_UNTIL_DAYS = 25
DOCUMENT_NUMBER = "125/KH-SNV"
MAX_BYTES = 20 * 1024 * 1024
AGENCY, COMMUNE = "department", "commune"
DRAFTING_AGENCY = "S01"
"""The Sở Nội vụ: its own report is the one agency still in draft (``sonoivu-2025``)."""
EVIDENCE_LINES = {True: (4, 7), False: (1, 2)}
"""How many of a unit's lines have a file attached (agency: True, commune: False), at least
and at most; the others are explained in writing. Each attachment is a service call of a few
milliseconds: real units attach more, the demo keeps its load short."""

ABBREVIATIONS = {
    "Sở Nội vụ": "SNV",
    "Sở Tài chính": "STC",
    "Sở Khoa học và Công nghệ": "SKHCN",
    "Sở Xây dựng": "SXD",
    "Sở Nông nghiệp và Môi trường": "SNNMT",
    "Sở Tư pháp": "STP",
    "Sở Công Thương": "SCT",
    "Sở Văn hóa, Thể thao và Du lịch": "SVHTTDL",
    "Sở Giáo dục và Đào tạo": "SGDĐT",
    "Sở Y tế": "SYT",
    "Sở Dân tộc và Tôn giáo": "SDTTG",
    "Thanh tra tỉnh": "TTr",
    "Văn phòng UBND tỉnh": "VPUBND",
    "Ban Quản lý các khu công nghiệp": "BQLKCN",
}
"""What an agency writes after its document numbers (12/KH-STC); a commune writes UBND."""

DOCUMENTS = {
    "1": ("KH", "Kế hoạch cải cách hành chính năm {year}"),
    "2": ("BC", "Báo cáo công tác xây dựng, kiểm tra và rà soát văn bản năm {year}"),
    "3": ("BC", "Báo cáo kết quả giải quyết thủ tục hành chính năm {year}"),
    "4": ("QĐ", "Quyết định quy định chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức"),
    "5": ("BC", "Báo cáo công tác cán bộ, công chức, viên chức năm {year}"),
    "6": ("BC", "Báo cáo tình hình thực hiện dự toán ngân sách năm {year}"),
    "7": ("BC", "Báo cáo kết quả chuyển đổi số năm {year}"),
    "8": ("BC", "Báo cáo tình hình kinh tế - xã hội năm {year}"),
}
"""The document a unit cites for the lines of each field: kind and title."""
SUPPLEMENT = ("CV", "Công văn giải trình, bổ sung tài liệu kiểm chứng")

EXPLANATIONS: tuple[tuple[str, str], ...] = (
    (
        "ban hành kế hoạch",
        "Ban hành Kế hoạch CCHC năm {year} tại Kế hoạch số {doc} ngày {early}, trong thời hạn "
        "UBND tỉnh giao.",
    ),
    (
        "hoàn thành kế hoạch",
        "Hoàn thành {done}/{total} nhiệm vụ của Kế hoạch CCHC năm {year} (đạt {pct}%); các "
        "nhiệm vụ còn lại đang triển khai, có báo cáo kèm theo.",
    ),
    (
        "báo cáo cải cách",
        "Gửi đầy đủ, đúng hạn các báo cáo CCHC quý, 6 tháng và năm cho Sở Nội vụ qua Hệ thống "
        "thông tin báo cáo của tỉnh.",
    ),
    (
        "kiểm tra công tác",
        "Kiểm tra công tác CCHC tại {n} đơn vị, bộ phận trong năm, đạt 100% kế hoạch; các tồn "
        "tại sau kiểm tra đã được khắc phục.",
    ),
    (
        "tuyên truyền",
        "Đăng {n} tin, bài về CCHC trên trang thông tin điện tử; tổ chức hội nghị quán triệt "
        "kế hoạch CCHC năm {year}.",
    ),
    (
        "sáng kiến",
        "Có 01 giải pháp đổi mới được Hội đồng sáng kiến tỉnh công nhận, áp dụng từ quý "
        "III/{year} (Quyết định số {decision}).",
    ),
    (
        "đối thoại",
        "Chủ tịch UBND tổ chức 02 hội nghị đối thoại với người dân, doanh nghiệp; có biên bản "
        "và thông báo kết luận gửi kèm.",
    ),
    (
        "được ủy ban nhân dân tỉnh",
        "Hoàn thành {done}/{total} nhiệm vụ UBND tỉnh, Chủ tịch UBND tỉnh giao, không có "
        "nhiệm vụ quá hạn (số liệu Hệ thống theo dõi nhiệm vụ của tỉnh).",
    ),
    (
        "lấy ý kiến",
        "Các dự thảo đều được đăng tải lấy ý kiến trên Cổng thông tin điện tử tỉnh tối thiểu "
        "30 ngày; có báo cáo tiếp thu, giải trình ý kiến.",
    ),
    (
        "văn bản được giao",
        "Hoàn thành {done}/{total} văn bản theo chương trình xây dựng văn bản năm {year}, "
        "trình đúng tiến độ.",
    ),
    (
        "đúng thẩm quyền",
        "Các văn bản ban hành đúng thẩm quyền, trình tự, thủ tục; không có văn bản bị kiến nghị "
        "xử lý.",
    ),
    (
        "rà soát, cắt giảm",
        "Đề xuất cắt giảm, đơn giản hóa {n} thủ tục hành chính, được UBND tỉnh thông qua tại "
        "Quyết định số {decision}.",
    ),
    (
        "rà soát",
        "Rà soát {n} văn bản; kết quả hệ thống hóa được công bố đúng thời hạn tại Quyết định "
        "số {decision}.",
    ),
    (
        "pháp luật",
        "Ban hành và thực hiện đầy đủ kế hoạch theo dõi thi hành pháp luật, phổ biến, giáo dục "
        "pháp luật năm {year}.",
    ),
    (
        "danh mục thủ tục",
        "Tham mưu {n} quyết định công bố danh mục thủ tục hành chính, tất cả đúng thời hạn.",
    ),
    (
        "công khai tiến độ",
        "Tiến độ, kết quả giải quyết hồ sơ được cập nhật trên Hệ thống thông tin giải quyết "
        "TTHC của tỉnh; người dân tra cứu được bằng mã hồ sơ.",
    ),
    (
        "công khai ngân sách",
        "Công khai dự toán, quyết toán ngân sách trên trang thông tin điện tử đúng thời hạn "
        "quy định.",
    ),
    (
        "công khai trên",
        "100% thủ tục hành chính thuộc thẩm quyền được công khai đầy đủ trên Cơ sở dữ liệu "
        "quốc gia và Cổng Dịch vụ công quốc gia.",
    ),
    (
        "niêm yết",
        "Niêm yết đầy đủ, đúng quy định các thủ tục hành chính tại Trung tâm Phục vụ hành "
        "chính công; có ảnh chụp kèm theo.",
    ),
    (
        "khiếu nại",
        "Giải quyết {done}/{total} đơn khiếu nại, tố cáo đúng thời hạn luật định.",
    ),
    (
        "giải quyết đúng hạn",
        "Tỷ lệ hồ sơ giải quyết đúng hạn đạt {pct}% ({done}/{total} hồ sơ), số liệu trích "
        "xuất từ Hệ thống thông tin giải quyết TTHC của tỉnh ngày {recent}.",
    ),
    (
        "xin lỗi",
        "Gửi thư xin lỗi đối với {k} hồ sơ quá hạn và hẹn lại ngày trả kết quả; có danh sách "
        "kèm theo.",
    ),
    (
        "phản ánh",
        "Không có phản ánh, kiến nghị quá hạn xử lý; các phản ánh tiếp nhận đều được trả lời "
        "công khai.",
    ),
    (
        "địa giới",
        "Tiếp nhận {n} hồ sơ không phụ thuộc địa giới hành chính, giải quyết đúng quy trình.",
    ),
    (
        "chức năng, nhiệm vụ",
        "Quy định chức năng, nhiệm vụ, cơ cấu tổ chức đã được ban hành theo Nghị định "
        "150/2025/NĐ-CP (Quyết định số {decision}).",
    ),
    (
        "quy chế làm việc",
        "Ban hành Quy chế làm việc và phân công nhiệm vụ các phòng chuyên môn ngay sau khi "
        "kiện toàn bộ máy (Quyết định số {decision}).",
    ),
    (
        "sắp xếp",
        "Hoàn thành sắp xếp các đơn vị thuộc, trực thuộc sau hợp nhất; số lượng cấp phó đúng "
        "quy định.",
    ),
    (
        "biên chế",
        "Sử dụng {done}/{total} biên chế được giao, không vượt chỉ tiêu; tinh giản theo đúng "
        "lộ trình.",
    ),
    (
        "số lượng cán bộ",
        "Bố trí {done}/{total} cán bộ, công chức, trong số lượng được giao.",
    ),
    (
        "phân cấp",
        "Thực hiện đầy đủ các nhiệm vụ được phân cấp, ủy quyền; có báo cáo kết quả gửi UBND tỉnh.",
    ),
    (
        "vị trí việc làm",
        "Đề án vị trí việc làm đã được phê duyệt; {pct}% công chức bố trí đúng vị trí việc làm.",
    ),
    (
        "tuyển dụng",
        "Tuyển dụng, tiếp nhận công chức đúng quy trình, có thông báo công khai; không có đơn "
        "thư khiếu nại.",
    ),
    (
        "đánh giá, xếp loại",
        "Đánh giá, xếp loại cán bộ, công chức năm {year} đúng quy định; kết quả được công khai "
        "tại cơ quan.",
    ),
    ("đào tạo", "Cử {n} lượt cán bộ, công chức tham gia đào tạo, bồi dưỡng, đạt kế hoạch năm."),
    (
        "kỷ luật",
        "Trong năm không có cán bộ, công chức vi phạm kỷ luật, kỷ cương hành chính.",
    ),
    ("vi phạm", "Không phát sinh trường hợp vi phạm phải xử lý trong năm {year}."),
    (
        "giải ngân",
        "Giải ngân vốn đầu tư công đạt {pct}% kế hoạch vốn được giao (đến ngày {recent}).",
    ),
    (
        "dự toán thu",
        "Thực hiện dự toán thu, chi ngân sách đạt {pct}%; không có khoản chi sai chế độ.",
    ),
    (
        "tài sản công",
        "Ban hành quy chế quản lý, sử dụng tài sản công; kiểm kê tài sản cuối năm, không phát "
        "hiện sai phạm.",
    ),
    (
        "tự chủ",
        "Các đơn vị sự nghiệp trực thuộc thực hiện phương án tự chủ tài chính đã được phê duyệt.",
    ),
    (
        "chữ ký số",
        "{pct}% văn bản đi được ký số và gửi, nhận trên hệ thống quản lý văn bản và điều hành "
        "(trừ văn bản mật).",
    ),
    (
        "hệ thống thông tin báo cáo",
        "Thực hiện đầy đủ, đúng hạn các chế độ báo cáo qua Hệ thống thông tin báo cáo của tỉnh.",
    ),
    (
        "an toàn thông tin",
        "Hệ thống thông tin của cơ quan đã được phê duyệt cấp độ an toàn; có phương án ứng cứu "
        "sự cố.",
    ),
    (
        "toàn trình",
        "{pct}% thủ tục đủ điều kiện được cung cấp dịch vụ công trực tuyến toàn trình.",
    ),
    ("nộp trực tuyến", "Tỷ lệ hồ sơ nộp trực tuyến đạt {pct}% tổng số hồ sơ tiếp nhận."),
    (
        "thanh toán",
        "Tỷ lệ hồ sơ có nghĩa vụ tài chính được thanh toán trực tuyến đạt {pct}%.",
    ),
    ("số hóa", "Số hóa kết quả giải quyết thủ tục hành chính còn hiệu lực đạt {pct}%."),
    (
        "cơ sở dữ liệu",
        "Cơ sở dữ liệu chuyên ngành được cập nhật thường xuyên, kết nối với nền tảng chia sẻ "
        "dữ liệu của tỉnh.",
    ),
    (
        "sử dụng hệ thống",
        "100% hồ sơ được tiếp nhận, xử lý trên Hệ thống thông tin giải quyết TTHC của tỉnh.",
    ),
    ("thu ngân sách", "Thu ngân sách trên địa bàn đạt {pct}% dự toán HĐND giao."),
    (
        "kinh tế - xã hội",
        "Đạt {done}/{total} chỉ tiêu phát triển kinh tế - xã hội theo Nghị quyết của HĐND.",
    ),
    (
        "quốc phòng",
        "Hoàn thành chỉ tiêu giao quân; tình hình an ninh, trật tự trên địa bàn ổn định.",
    ),
    (
        "dân chủ",
        "Thực hiện dân chủ ở cơ sở theo Luật số 10/2022/QH15; tổ chức hội nghị nhân dân ở "
        "100% thôn, tổ dân phố.",
    ),
)
"""A unit's written explanation of a line, by the first phrase its title contains."""
DEFAULT_EXPLANATION = (
    "Đơn vị đã thực hiện đầy đủ nội dung theo hướng dẫn chấm điểm; tài liệu kiểm chứng kèm theo."
)
NOT_APPLICABLE_REASON = (
    "Đơn vị không có nhiệm vụ này trong năm {year} (không phát sinh), theo Công văn của Sở Nội vụ."
)
COMMENTS = (
    "Tài liệu kiểm chứng chưa thể hiện đầy đủ kết quả, chấm {points} điểm.",
    "Kết quả thực hiện chưa đạt mức tối đa theo hướng dẫn chấm điểm.",
    "Một số nội dung thực hiện chưa đúng thời hạn, trừ điểm theo hướng dẫn.",
    "Số liệu tự đánh giá chưa khớp với tài liệu kiểm chứng, chấm {points} điểm.",
)
RAISED = "Tài liệu kiểm chứng đầy đủ, đạt mức cao hơn điểm đơn vị tự chấm."
REQUESTS = (
    "Đề nghị bổ sung văn bản chứng minh kết quả thực hiện (quyết định hoặc báo cáo có số, ngày "
    "ban hành).",
    "Tài liệu kiểm chứng chưa thể hiện thời điểm ban hành; đề nghị giải trình và gửi bổ sung.",
    "Số liệu tự đánh giá chưa khớp với số liệu trên Hệ thống thông tin giải quyết TTHC của tỉnh; "
    "đề nghị giải trình.",
    "Đề nghị cung cấp danh sách chi tiết kèm theo báo cáo để đối chiếu.",
)
ANSWERS = (
    "Đơn vị xin giải trình: văn bản đã ban hành ngày {recent}, bản chụp gửi kèm trước đây không "
    "rõ số; nay gửi bổ sung bản có đóng dấu.",
    "Số liệu của đơn vị tính cả hồ sơ tiếp nhận trực tiếp, chưa đồng bộ lên hệ thống; đơn vị gửi "
    "kèm bảng tổng hợp có xác nhận của Trung tâm Phục vụ hành chính công.",
    "Đơn vị gửi bổ sung công văn giải trình và danh sách chi tiết kèm theo (căn cứ Kế hoạch số "
    "{doc}).",
)
SECOND_ROUND = (
    "Đã xem xét tài liệu bổ sung, chấp nhận điểm tự đánh giá.",
    "Tài liệu bổ sung chưa làm rõ nội dung, giữ nguyên điểm thẩm định vòng 1.",
)


@dataclass(frozen=True)
class Seeded:
    """What the seeding left: the assessment, each stage's count, the evidence attached."""

    assessment_id: int
    stages: Mapping[UnitStage, int]
    evidence_files: int
    officers: int


@dataclass
class _Line:
    """One applicable line of a unit as the demo plays it."""

    code: str
    max_points: float
    appraised: float
    own: float
    evidence: bool
    explanation: str
    title: str


@dataclass
class _Plan:
    report_id: int
    unit: Unit
    stage: UnitStage
    lines: list[_Line] = field(default_factory=list)
    not_applicable: list[str] = field(default_factory=list)
    requested: list[str] = field(default_factory=list)


def seed_assessment(
    session: Session,
    campaign: Campaign,
    rng: np.random.Generator,
    admin: User,
    appraiser: User,
    *,
    evidence_root: Path,
    officers: Mapping[str, User] | None = None,
    today: dt.date | None = None,
) -> Seeded:
    """Open the campaign's self-assessment and play it to the stages described above.

    ``officers`` gives a unit's officer where a demo login is one (``S01``: the Sở Nội vụ);
    the other units get an account made here. ``today`` defaults to today in Vietnam; every
    step uses it, so the deadlines (relative to it) are all still open."""
    today = today or assessment.vietnam_today()
    spec = assessment.OpenSpec(
        {
            code: today + dt.timedelta(days=AGENCY_DAYS if code == AGENCY else COMMUNE_DAYS)
            for code, _name, _count in assessment.levels_to_open(session, campaign)
        },
        today + dt.timedelta(days=EXPLAIN_FROM_DAYS),
        today + dt.timedelta(days=EXPLAIN_UNTIL_DAYS),
        DOCUMENT_NUMBER,
    )
    opened = assessment.open_assessment(session, campaign, spec, admin)
    session.flush()
    plans = _plans(session, campaign, opened.id, rng)
    communes = [p.report_id for p in plans if p.unit.level == COMMUNE]
    assigned = [p.report_id for p in plans if p.unit.level == AGENCY] + communes[::2]
    assessment.assign_appraiser(session, opened, appraiser, assigned, "", admin)
    year = campaign.year
    for plan in plans:
        for code in plan.not_applicable:
            assessment.set_applicable(
                session,
                _fresh(session, plan.report_id),
                code,
                False,
                NOT_APPLICABLE_REASON.format(year=year),
                admin,
            )
    given = dict(officers or {})
    started = [p for p in plans if p.stage is not UnitStage.NOT_STARTED]
    made = _officers(session, [p.unit for p in started if p.unit.code not in given], rng, admin)
    given |= made
    files = 0
    # Each service flushes what it needs; autoflush before each of its conditional UPDATEs
    # would only split a report's recorded changes into one INSERT apiece (a fifth slower).
    with session.no_autoflush:
        for plan in started:
            by = appraiser if plan.report_id in assigned else admin
            files += _play(
                session, plan, given[plan.unit.code], by, rng, evidence_root, today, year
            )
    assessment.remind(session, opened, admin)
    stages = Counter(
        session.scalars(
            select(UnitAssessment.stage).where(UnitAssessment.assessment_id == opened.id)
        )
    )
    return Seeded(opened.id, dict(stages), files, len(made))


def _stage_plan(codes: Sequence[str], rng: np.random.Generator, level: str) -> dict[str, str]:
    """Which unit ends where: agencies mostly appraised, two asked to explain, one explained,
    one appraised in two rounds, the Sở Nội vụ drafting; communes a third appraised, a third
    submitted (three in appraisal), the rest drafting or not started."""
    order = [codes[i] for i in rng.permutation(len(codes))]
    plan: dict[str, str] = {}
    if level == AGENCY:
        rest = [c for c in order if c != DRAFTING_AGENCY]
        if DRAFTING_AGENCY in codes:
            plan[DRAFTING_AGENCY] = "draft"
        script = ["requested", "requested", "explained", "two_rounds"]
        for code, what in zip(rest, script + ["appraised"] * len(rest), strict=False):
            plan[code] = what
        return plan
    third = len(order) // 3
    drafts = (len(order) - 2 * third) // 3
    script = (
        ["appraised"] * third
        + ["in_appraisal"] * 3
        + ["submitted"] * (third - 3)
        + ["draft"] * drafts
        + ["not_started"] * (len(order) - 2 * third - drafts)
    )
    return dict(zip(order, script, strict=True))


_FINAL = {
    "draft": UnitStage.DRAFT,
    "submitted": UnitStage.SUBMITTED,
    "in_appraisal": UnitStage.IN_APPRAISAL,
    "requested": UnitStage.EXPLANATION_REQUESTED,
    "explained": UnitStage.EXPLAINED,
    "two_rounds": UnitStage.APPRAISED,
    "appraised": UnitStage.APPRAISED,
    "not_started": UnitStage.NOT_STARTED,
}


def _plans(
    session: Session, campaign: Campaign, assessment_id: int, rng: np.random.Generator
) -> list[_Plan]:
    """Every report with the stage it ends at and its lines: own and appraised points from
    the campaign's appraisal points, some own points a little higher (or lower)."""
    reports = session.execute(
        select(UnitAssessment, Unit)
        .join(Unit, Unit.id == UnitAssessment.unit_id)
        .where(UnitAssessment.assessment_id == assessment_id)
        .order_by(Unit.level, Unit.code)
    ).all()
    points = {
        (unit_id, leaf): (value, not_applicable)
        for unit_id, leaf, value, not_applicable in session.execute(
            select(
                AppraisalPoint.unit_id,
                AppraisalPoint.sub_criterion,
                AppraisalPoint.points,
                AppraisalPoint.not_applicable,
            ).where(AppraisalPoint.campaign_id == campaign.id)
        )
    }
    scores: dict[int, list[tuple[str, float]]] = {}
    for report_id, leaf, max_points in session.execute(
        select(
            AssessmentScore.unit_assessment_id,
            AssessmentScore.sub_criterion,
            AssessmentScore.max_points,
        )
        .join(UnitAssessment, UnitAssessment.id == AssessmentScore.unit_assessment_id)
        .where(UnitAssessment.assessment_id == assessment_id)
        .order_by(AssessmentScore.unit_assessment_id, AssessmentScore.position)
    ):
        scores.setdefault(report_id, []).append((leaf, max_points))
    titles: dict[str, dict[str, str]] = {}
    for _report, unit in reports:
        if unit.level not in titles:
            tree = campaign_tree(session, campaign, unit.level)
            titles[unit.level] = {code: text.vi for code, text in tree.titles().items()}
    stage_of: dict[str, str] = {}
    for level in (AGENCY, COMMUNE):
        codes = [unit.code for _r, unit in reports if unit.level == level]
        stage_of |= _stage_plan(codes, rng, level)
    plans = []
    for report, unit in reports:
        what = stage_of.get(unit.code, "not_started")
        plan = _Plan(report.id, unit, _FINAL[what])
        twice = what == "appraised" and rng.random() < 0.08
        for leaf, max_points in scores.get(report.id, []):
            value, not_applicable = points.get((unit.id, leaf), (max_points, False))
            if not_applicable:
                plan.not_applicable.append(leaf)
                continue
            appraised = min(float(max_points if value is None else value), max_points)
            own = _own(rng, appraised, max_points)
            title = titles[unit.level].get(leaf, "")
            plan.lines.append(_Line(leaf, max_points, appraised, own, False, "", title))
        low, high = EVIDENCE_LINES[unit.level == AGENCY]
        count = min(len(plan.lines), int(rng.integers(low, high + 1)))
        for i in rng.choice(len(plan.lines), size=count, replace=False):
            plan.lines[int(i)].evidence = True
        if what in ("requested", "explained", "two_rounds") or twice:
            plan.requested = _requested(plan.lines, rng)
        plans.append(plan)
    return plans


def _own(rng: np.random.Generator, appraised: float, max_points: float) -> float:
    """The unit's own score: the appraised one, on some lines a quarter or half point higher
    (a unit reads the guidance generously), rarely a quarter lower."""
    draw = rng.random()
    if draw < 0.16 and appraised < max_points:
        return min(max_points, appraised + 0.25 * int(rng.integers(1, 3)))
    if draw > 0.985 and appraised >= 0.25:
        return appraised - 0.25
    return appraised


def _requested(lines: list[_Line], rng: np.random.Generator) -> list[str]:
    """One or two lines to ask about: lines scored higher by the unit than by the appraiser
    (one is made so when there are none)."""
    higher = [x for x in lines if x.own > x.appraised]
    if not higher:
        below = [x for x in lines if x.appraised < x.max_points] or lines
        line = below[int(rng.integers(len(below)))]
        if line.appraised < line.max_points:
            line.own = min(line.max_points, line.appraised + 0.5)
        else:
            line.appraised = max(0.0, line.max_points - 0.5)
        higher = [line]
    count = min(len(higher), int(rng.integers(1, 3)))
    chosen = [higher[i] for i in sorted(rng.choice(len(higher), size=count, replace=False))]
    return [x.code for x in chosen]


def _officers(
    session: Session, units: Sequence[Unit], rng: np.random.Generator, admin: User
) -> dict[str, User]:
    """An officer account per unit (``cb-s02-2025``), who fills in and submits its report;
    no one knows the password (see the module's note)."""
    if not units:
        return {}
    unusable = hash_password(secrets.token_urlsafe(32))
    names = [f"cb-{u.code.lower()}-2025" for u in units]
    existing = {
        u.username: u for u in session.scalars(select(User).where(User.username.in_(names)))
    }
    found: dict[str, User] = {}
    for unit, username in zip(units, names, strict=True):
        user = existing.get(username)
        if user is None:
            user = User(
                username=username,
                full_name=person_name(rng),
                password_hash=unusable,
                role=Role.UNIT_OFFICER,
                unit_code=unit.code,
            )
            session.add(user)
            session.flush()
            audit.record(
                session,
                AuditAction.USER_CREATED,
                user=admin,
                target=username,
                role=Role.UNIT_OFFICER.value,
            )
        found[unit.code] = user
    return found


class _Facts:
    """The numbers a unit's explanations and documents cite, drawn once per unit."""

    def __init__(self, rng: np.random.Generator, unit: Unit, today: dt.date, year: int) -> None:
        self.rng = rng
        self.unit = unit
        self.today = today
        self.year = year
        self.suffix = ABBREVIATIONS.get(unit.name, "UBND") if unit.level == AGENCY else "UBND"
        self.numbers: dict[str, str] = {}

    def number(self, kind: str, key: str) -> str:
        if key not in self.numbers:
            self.numbers[key] = f"{int(self.rng.integers(5, 190))}/{kind}-{self.suffix}"
        return self.numbers[key]

    def day(self, low: int, high: int) -> dt.date:
        return self.today - dt.timedelta(days=int(self.rng.integers(low, high)))

    def text(self, template: str, share: float) -> str:
        total = int(self.rng.integers(8, 42))
        pct = min(100.0, 88 + 12 * share - float(self.rng.uniform(0, 3)))
        early = min(self.today, dt.date(self.year, 1, int(self.rng.integers(5, 28))))
        return template.format(
            year=self.year,
            doc=self.number("KH", "1"),
            decision=f"{int(self.rng.integers(100, 2900))}/QĐ-UBND",
            early=f"{early:%d/%m/%Y}",
            recent=f"{self.day(3, 40):%d/%m/%Y}",
            done=max(1, round(total * min(1.0, 0.8 + 0.2 * share))),
            total=total,
            pct=f"{pct:.1f}".replace(".", ","),
            n=int(self.rng.integers(3, 16)),
            k=int(self.rng.integers(1, 10)),
        )


def _explanation(title: str) -> str:
    lowered = title.lower()
    return next((t for phrase, t in EXPLANATIONS if phrase in lowered), DEFAULT_EXPLANATION)


def _typed(points: float) -> str:
    """A score as an officer types it (decimal comma)."""
    return f"{points:g}".replace(".", ",")


def _versions(session: Session, report_id: int) -> dict[str, int]:
    return dict(
        session.execute(
            select(AssessmentScore.sub_criterion, AssessmentScore.version).where(
                AssessmentScore.unit_assessment_id == report_id
            )
        ).all()
    )


_WRITTEN = (UnitAssessment, AssessmentScore, ExplanationRequest)
"""What the services change with conditional statements (the session's copies stay as
they were read): the reports, their lines and the requests."""


def _fresh(session: Session, report_id: int) -> UnitAssessment:
    """The report as a new request would read it: every copy of what the services write
    conditionally is read again (not the units, accounts and campaign, which they leave)."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, _WRITTEN) and (
            not isinstance(obj, UnitAssessment) or inspect(obj).identity == (report_id,)
        ):
            session.expire(obj)
    return session.get_one(UnitAssessment, report_id)


def _play(
    session: Session,
    plan: _Plan,
    officer: User,
    appraiser: User,
    rng: np.random.Generator,
    root: Path,
    today: dt.date,
    year: int,
) -> int:
    """Take one unit's report to its planned stage; returns the files attached."""
    facts = _Facts(rng, plan.unit, today, year)
    report_id = plan.report_id
    lines = plan.lines
    if plan.stage is UnitStage.DRAFT:
        filled = max(1, int(len(lines) * float(rng.uniform(0.25, 0.75))))
        lines = lines[:filled]
    for line in lines:
        if not line.evidence or rng.random() < 0.3:
            line.explanation = facts.text(_explanation(line.title), line.own / line.max_points)
    versions = _versions(session, report_id)
    assessment_scoring.save_self(
        session,
        _fresh(session, report_id),
        officer,
        {x.code: SelfEntry(_typed(x.own), x.explanation, versions[x.code]) for x in lines},
        today,
    )
    files = 0
    report = _fresh(session, report_id)
    documents: dict[str, tuple[str, bytes]] = {}
    for line in lines:
        if not line.evidence:
            continue
        fld = line.code.split(".")[0]
        if fld not in documents:
            documents[fld] = _document(facts, *DOCUMENTS.get(fld, DOCUMENTS["1"]), key=fld)
        name, data = documents[fld]
        assessment_scoring.add_evidence(
            session,
            report,
            officer,
            line.code,
            name,
            data,
            root=root,
            max_bytes=MAX_BYTES,
            today=today,
        )
        files += 1
    if plan.stage is UnitStage.DRAFT:
        return files
    assessment_scoring.submit(session, _fresh(session, report_id), officer, today)
    if plan.stage is UnitStage.SUBMITTED:
        return files
    requested = set(plan.requested)
    partial = plan.stage is UnitStage.IN_APPRAISAL
    chosen = lines[: len(lines) // 2] if partial else lines
    versions = _versions(session, report_id)
    entries = {}
    for i, line in enumerate(chosen):
        comment = ""
        if line.appraised < line.own:
            comment = COMMENTS[i % len(COMMENTS)].format(points=_typed(line.appraised))
        elif line.appraised > line.own:
            comment = RAISED
        request = REQUESTS[i % len(REQUESTS)] if line.code in requested else ""
        entries[line.code] = AppraisalEntry(
            _typed(line.appraised), comment, request, versions[line.code]
        )
    assessment_appraisal.save_appraisal(
        session, _fresh(session, report_id), appraiser, entries, finish=not partial, today=today
    )
    if not requested or plan.stage is UnitStage.EXPLANATION_REQUESTED:
        return files
    files += _explain(session, report_id, officer, facts, root, today)
    if plan.stage is UnitStage.EXPLAINED:
        return files
    versions = _versions(session, report_id)
    second = {}
    for i, line in enumerate(x for x in lines if x.code in requested):
        accepted = i % 2 == 0
        second[line.code] = AppraisalEntry(
            _typed(line.own if accepted else line.appraised),
            SECOND_ROUND[0 if accepted else 1],
            "",
            versions[line.code],
        )
    assessment_appraisal.save_appraisal(
        session, _fresh(session, report_id), appraiser, second, finish=True, today=today
    )
    return files


def _explain(
    session: Session,
    report_id: int,
    officer: User,
    facts: _Facts,
    root: Path,
    today: dt.date,
) -> int:
    """Answer every request in writing, attach a supplementary letter to the first, send."""
    requests = session.execute(
        select(ExplanationRequest.id, AssessmentScore.sub_criterion)
        .join(AssessmentScore, AssessmentScore.id == ExplanationRequest.score_id)
        .where(
            AssessmentScore.unit_assessment_id == report_id,
            ExplanationRequest.answered_at.is_(None),
        )
        .order_by(ExplanationRequest.id)
    ).all()
    if not requests:
        return 0
    name, data = _document(facts, *SUPPLEMENT, key="supplement")
    assessment_scoring.add_evidence(
        session,
        _fresh(session, report_id),
        officer,
        requests[0][1],
        name,
        data,
        root=root,
        max_bytes=MAX_BYTES,
        today=today,
    )
    answers = {
        request_id: facts.text(ANSWERS[i % len(ANSWERS)], 1.0)
        for i, (request_id, _code) in enumerate(requests)
    }
    assessment_scoring.answer_requests(
        session, _fresh(session, report_id), officer, answers, send=True, today=today
    )
    return 1


# --- evidence files ------------------------------------------------------------------------


def _document(facts: _Facts, kind: str, title: str, *, key: str) -> tuple[str, bytes]:
    """A unit's document as the file it uploads: its name and a one-page PDF."""
    title = title.format(year=facts.year)
    number = facts.number(kind, key)
    day = facts.day(20, 200)
    unit = facts.unit
    issuer = "UBND TỈNH MINH SƠN" if unit.level == AGENCY else f"UBND {unit.name.upper()}"
    head = [issuer, unit.name.upper()] if unit.level == AGENCY else [issuer]
    lines = [
        *head,
        f"Số: {number}",
        f"Minh Sơn, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}",
        "",
        title.upper(),
        "",
        f"Tài liệu kiểm chứng Chỉ số cải cách hành chính năm {facts.year} của {unit.name}.",
        "Dữ liệu mẫu của bản demo, không có giá trị pháp lý.",
    ]
    filename = f"{number.replace('/', '_')} {title}.pdf"
    return filename, pdf(title, unit.name, lines, heading=len(head) + 3)


def _ascii(text: str) -> str:
    """The text without Vietnamese marks, for the PDF's built-in font (which has no ơ, ư,
    đ, ạ …); the title and author in the file's information keep them."""
    folded = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", folded)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn" and ord(c) < 128)


def _pdf_string(text: str) -> bytes:
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return b"(" + escaped.encode("ascii") + b")"


def _pdf_text(text: str) -> bytes:
    """A text string of the information dictionary: UTF-16BE with its byte order mark."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def pdf(title: str, author: str, lines: Sequence[str], *, heading: int = -1) -> bytes:
    """A valid one-page A4 PDF 1.4 with these lines in Helvetica, line ``heading`` larger
    (a cross-reference table with exact offsets, so every reader opens it)."""
    content = [b"BT", b"16 TL", b"72 770 Td"]
    for i, line in enumerate(lines):
        size = 13 if i == heading else 11
        content += [f"/F1 {size} Tf".encode(), _pdf_string(_ascii(line)) + b" Tj", b"T*"]
    content.append(b"ET")
    stream = b"\n".join(content)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Title " + _pdf_text(title) + b" /Author " + _pdf_text(author) + b" >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n".encode() + b"0000000000 65535 f \n"
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {len(objects)} 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)
