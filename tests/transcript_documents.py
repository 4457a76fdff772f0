"""Transcript documents as a closed hearing gives them, for the PDF's tests and its benchmark
(bench/transcript_pdf.py): Chinese and English lines with speakers and facts, and signatures
drawn as a finger draws them (strokes on a transparent background, PNG)."""

from __future__ import annotations

import io
import random
from datetime import UTC, datetime, timedelta

from PIL import Image, ImageDraw

from hearing_server.transcript_pdf import (
    BenchMember,
    Language,
    Signer,
    SignerStatus,
    TranscriptDocument,
    TranscriptLine,
)

START = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)  # 09:30 in Shanghai
MANIFEST_SHA256 = "3f6c2a9d1e0b4c7a8f5e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a"
SPEAKERS = ("审判长 李明", "原告 张三", "原告代理人 王五律师", "被告 赵六", "被告代理人 钱七律师")
SAID = (
    "现在开庭。原告，请陈述你的诉讼请求和事实理由。",
    "请求判令被告支付货款人民币十二万元及逾期付款利息，并承担本案诉讼费用。",
    "对原告提交的证据1的真实性无异议，但对关联性有异议：该合同并未实际履行，"
    "双方在二〇二五年十月已经协商解除，有当时的微信聊天记录为证。",
    "The defendant agrees that the goods were delivered on 3 October but disputes their quality.",
    "被告是否收到原告于二〇二五年十一月五日发出的催款函？请如实回答。",
    "收到了，但是我们当时已经书面提出质量异议，原告一直没有回复。",
)
FACTS = ("（休庭）", "（继续开庭）", "（出示原告证据1 买卖合同）", "（已核对张三的身份）")


def signature_png(seed: int, size: tuple[int, int] = (600, 200)) -> bytes:
    """A name written with a finger: a few joined strokes, black on transparent."""
    rng = random.Random(seed)
    width, height = size
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    for stroke in range(3):
        x = width * (0.1 + 0.28 * stroke)
        points = []
        for _ in range(14):
            x += rng.uniform(4, width * 0.03)
            points.append((x, rng.uniform(height * 0.2, height * 0.8)))
        draw.line(points, fill=(10, 10, 10, 255), width=5, joint="curve")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def sample_document(
    entries: int = 40,
    signers: int = 4,
    *,
    language: Language = "zh",
    lines: tuple[TranscriptLine, ...] | None = None,
    signer_list: tuple[Signer, ...] | None = None,
) -> TranscriptDocument:
    """A three-hour hearing's transcript of ``entries`` lines (one fact in ten) and
    ``signers`` people who signed (one in five refused, recorded with the reason)."""
    rng = random.Random(entries)
    step = timedelta(hours=3) / max(entries, 1)
    made = lines
    if made is None:
        made = tuple(
            TranscriptLine(
                at=START + step * index,
                text=rng.choice(FACTS) if index % 10 == 9 else rng.choice(SAID),
                speaker=None if index % 10 == 9 else SPEAKERS[index % len(SPEAKERS)],
                recording_seconds=(step * index).total_seconds(),
            )
            for index in range(entries)
        )
    people = signer_list
    if people is None:
        people = tuple(
            Signer(
                name=f"签名人{index + 1}",
                role="原告" if index % 2 == 0 else "被告代理人",
                status=SignerStatus.REFUSED if index % 5 == 4 else SignerStatus.SIGNED,
                at=START + timedelta(hours=3, minutes=10 + index),
                signature_png=None if index % 5 == 4 else signature_png(index),
                note="认为笔录第3页记载有误" if index % 5 == 4 else None,
            )
            for index in range(signers)
        )
    return TranscriptDocument(
        court_name="浙江省温州市鹿城区人民法院",
        case_number="(2026)浙0302民初1234号",
        cause="买卖合同纠纷",
        hearing_kind="民事庭审",
        started_at=START,
        ended_at=START + timedelta(hours=3),
        bench=(
            BenchMember("审判长", "李明"),
            BenchMember("人民陪审员", "陈红"),
            BenchMember("书记员", "周敏"),
        ),
        language=language,
        lines=made,
        signers=people,
        manifest_sha256=MANIFEST_SHA256,
        verification_code="7QK2-M9XD-4HTR",
    )
