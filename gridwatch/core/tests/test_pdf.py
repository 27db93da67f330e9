"""Chinese PDF documents (gridwatch.core.pdf): the Chinese text and the figures read back from the file, the
header row of a long table repeats on every page, pages are numbered, and a missing Chinese font is a clear
error rather than a PDF of empty boxes."""

import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from fontTools import subset
from pypdf import PdfReader

from gridwatch.conftest import zh
from gridwatch.core import pdf
from gridwatch.core.pdf import Document, FontMissing, Paragraph, Section, Table, render_pdf

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "建国志强秀英桂兰明华丽娟文军海燕红梅德福晓东"
HEADER = ["序号", "网格", "干部姓名", "监督卡", "关注事项", "说明"]


def cadre_name(index):
    return SURNAMES[index % 20] + GIVEN[(index * 7) % 20] + GIVEN[(index * 3 + 1) % 20]


def big_table_rows(count=200):
    return [
        [
            index + 1,
            f"城关镇第{index % 9 + 1}网格",
            cadre_name(index),
            index * 7 + 3,
            index % 4,
            "社交圈：出入私人会所，群众反映较多，需进一步核实" if index % 5 == 0 else "无",
        ]
        for index in range(count)
    ]


def monthly_document(rows):
    return Document(
        title="城关镇2026年11月县社区网格干部监督信息报告表",
        subtitle="网格化干部作风监督平台",
        meta=[("乡镇", "城关镇"), ("月份", "2026年11月")],
        sections=[
            Section(
                "一、总体情况", [Paragraph("本月共收到监督卡1234张，发现关注事项56条，均已按要求登记。")]
            ),
            Section("二、明细", [Table(HEADER, rows, widths=[1, 2.6, 2, 1.4, 1.6, 5])]),
        ],
        footer_note="县纪委监委",
    )


def pages_text(data):
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


@pytest.fixture(scope="module")
def rendered():
    rows = big_table_rows()
    return rows, pages_text(render_pdf(monthly_document(rows)))


def test_it_writes_chinese_text_that_reads_back(rendered):
    """The title, the meta lines and the paragraphs are Chinese text in the file (a ToUnicode map), not
    pictures of it: pypdf extracts them as they were given."""
    _rows, pages = rendered
    first = pages[0]
    assert "城关镇2026年11月县社区网格干部监督信息报告表" in first
    assert "网格化干部作风监督平台" in first
    assert "城关镇" in first and "2026年11月" in first
    assert "本月共收到监督卡1234张，发现关注事项56条，均已按要求登记。" in first
    assert "一、总体情况" in first and "二、明细" in first


def test_it_reads_back_every_row_of_a_long_table_with_its_figures(rendered):
    """Each of the 200 rows reads back, in order, as its number, grid, cadre and figures on one line."""
    rows, pages = rendered
    lines = [line.strip() for text in pages for line in text.splitlines()]
    expected = [" ".join(str(value) for value in row[:5]) for row in rows]
    found = [line for line in lines if re.match(r"^\d+ 城关镇第\d网格 ", line)]
    assert [line.split(" ")[:5] for line in found] == [line.split(" ") for line in expected]


def test_it_repeats_the_header_row_on_every_page(rendered):
    """A table that runs over several pages starts each page with its header row."""
    _rows, pages = rendered
    assert len(pages) >= 3
    for text in pages[1:]:
        assert text.splitlines()[0].split() == HEADER


def test_it_numbers_the_pages_in_the_footer(rendered):
    """Every page says which page it is of how many, in the reader's language, beside the footer note."""
    _rows, pages = rendered
    total = len(pages)
    for number, text in enumerate(pages, start=1):
        assert zh("Page %(page)s of %(total)s", page=number, total=total) in text
        assert "县纪委监委" in text


def test_it_embeds_a_subset_of_the_chinese_font():
    """The font travels with the file (a reader without Chinese fonts shows it), cut down to the characters
    used so that a one-page notice stays small."""
    data = render_pdf(
        Document(title="预警书", sections=[Section("事由", [Paragraph("经核实，反映问题属实。")])])
    )
    reader = PdfReader(io.BytesIO(data))
    font = next(iter(reader.pages[0]["/Resources"]["/Font"].values())).get_object()
    descendant = font["/DescendantFonts"][0].get_object()
    assert re.match(r"^/[A-Z]{6}\+", descendant["/BaseFont"])
    assert "/FontFile2" in descendant["/FontDescriptor"].get_object()
    assert "/ToUnicode" in font
    assert len(data) < 100_000


def test_it_right_aligns_number_columns_and_left_aligns_text():
    """A column of figures (empty cells allowed) is right-aligned; one with any text in it is left-aligned;
    the caller may say otherwise."""
    table = Table(
        ["网格", "数量", "比例", "备注"], [["一网格", 3, Decimal("0.50"), "无"], ["二网格", None, 1.5, 7]]
    )
    assert pdf.column_alignment(table) == ("L", "R", "R", "L")
    assert pdf.column_alignment(Table(["a", "b"], [[1, 2]], align=["C", "L"])) == ("C", "L")


def test_it_prints_figures_plainly():
    """Figures print as the Excel export holds them: no thousands separators, floats to two decimals."""
    assert [pdf.cell_text(v) for v in (12345, Decimal("3.50"), 2.0, None, "文字")] == [
        "12345",
        "3.50",
        "2.00",
        "",
        "文字",
    ]


def test_it_keeps_closing_punctuation_off_the_start_of_a_line():
    """Long Chinese text wraps between characters, never puts 。，、 at the start of a line nor （ at the
    end of one, and keeps a number on one line."""
    document = pdf._new_pdf(Document(title="t"))
    document.set_font(pdf.FONT, size=10.5)
    width = document.get_string_width("一二三四五六七八九十") + 0.1
    lines = pdf.wrap_text(
        document, "一二三四五六七八九十。一二三四五六七（八）九十一二三四12345.67", width
    ).split("\n")
    assert all(line and line[0] not in pdf.NO_LINE_START for line in lines)
    assert all(line[-1] not in pdf.NO_LINE_END for line in lines)
    assert lines[0] == "一二三四五六七八九"
    assert lines[1].startswith("十。")
    assert "12345.67" in lines[-1]
    assert "".join(lines) == "一二三四五六七八九十。一二三四五六七（八）九十一二三四12345.67"


def test_it_refuses_clearly_when_the_font_file_is_missing(settings):
    """A configured font that is not there stops the export with a message that tells the administrator
    what to install."""
    settings.GRIDWATCH_PDF_FONT = "/nonexistent/font.ttc"
    with pytest.raises(FontMissing) as refusal:
        render_pdf(Document(title="预警书"))
    assert "fonts-wqy-microhei" in str(refusal.value.message)


def test_it_refuses_a_font_without_chinese_characters(settings, tmp_path):
    """A Latin-only font (it would print empty boxes) and a file that is not a font are refused the same
    way."""
    latin = tmp_path / "latin.ttf"
    path, index = pdf.font_location()
    subset.main([str(path), f"--font-number={index}", "--unicodes=U+0020-007E", f"--output-file={latin}"])
    settings.GRIDWATCH_PDF_FONT = str(latin)
    with pytest.raises(FontMissing):
        render_pdf(Document(title="预警书"))
    broken = tmp_path / "broken.ttf"
    broken.write_bytes(b"not a font")
    settings.GRIDWATCH_PDF_FONT = str(broken)
    with pytest.raises(FontMissing):
        render_pdf(Document(title="预警书"))


def test_it_uses_the_configured_font_and_face(settings):
    """GRIDWATCH_PDF_FONT names a font file, with #N for face N of a collection."""
    path, _index = pdf.font_location()
    settings.GRIDWATCH_PDF_FONT = f"{path}#0"
    assert pdf.font_location() == (path, 0)
    assert "预警书" in pages_text(render_pdf(Document(title="预警书")))[0]


def test_it_finds_no_default_font_when_none_is_installed(settings, monkeypatch):
    """Without the setting and without any of the fonts looked for, the error is FontMissing."""
    settings.GRIDWATCH_PDF_FONT = ""
    monkeypatch.setattr(pdf, "DEFAULT_FONTS", ("/nonexistent/a.ttc", "/nonexistent/b.ttf"))
    with pytest.raises(FontMissing):
        pdf.font_location()


@pytest.mark.skipif(
    not any(Path(path).is_file() for path, _index in pdf.FALLBACK_FONTS),
    reason="no fallback CJK font installed",
)
def test_it_prints_rare_characters_of_names_with_a_second_font():
    """A rare character (生僻字) the main font lacks, as in a cadre's name, is drawn from a second installed
    CJK font rather than left out; a document without one does not load that font."""
    assert ord("㛃") not in pdf._new_pdf(Document(title="t")).fonts[pdf.FONT].cmap
    rare = PdfReader(io.BytesIO(render_pdf(Document(title="预警书", meta=[("干部", "王㛃")]))))
    plain = PdfReader(io.BytesIO(render_pdf(Document(title="预警书", meta=[("干部", "王明")]))))
    assert len(rare.pages[0]["/Resources"]["/Font"]) == 2
    assert len(plain.pages[0]["/Resources"]["/Font"]) == 1
