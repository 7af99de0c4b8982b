# SPDX-License-Identifier: AGPL-3.0-or-later
"""What the virtual assistant (trợ lý ảo) returns: the contract shared by the service, the API, the chat
widgets and the evaluation script (benchmarks/assistant)."""

from dataclasses import dataclass, field


class Intent:
    """What the question asks about (ý định của câu hỏi)."""
    PAPERS = "papers"  # thành phần hồ sơ, giấy tờ
    TIME = "time"  # thời hạn giải quyết
    FEE = "fee"  # phí, lệ phí
    PLACE = "place"  # nơi nộp, cơ quan giải quyết
    ONLINE = "online"  # nộp trực tuyến được không
    STEPS = "steps"  # quy trình, các bước, ai xử lý
    LEGAL = "legal"  # căn cứ pháp lý
    STATUS = "status"  # hồ sơ của tôi đến đâu rồi
    HOWTO = "howto"  # thao tác trong phần mềm (cán bộ)
    OTHER = "other"  # chung về thủ tục, chào hỏi, ngoài phạm vi

    ALL = (PAPERS, TIME, FEE, PLACE, ONLINE, STEPS, LEGAL, STATUS, HOWTO, OTHER)


@dataclass(frozen=True)
class ProcedureRef:
    code: str
    name: str
    url: str  # path of the public page, /thu-tuc/<code>/ (the API makes it absolute)


@dataclass
class Answer:
    answer: str  # Vietnamese (or English when asked in English), composed only from retrieved facts
    intent: str  # one of Intent.ALL
    procedures: list[ProcedureRef] = field(default_factory=list)  # cited, best first
    confidence: float = 0.0  # 0..1
