"""The accomplishments report as a rich-text document, shown on the Report page and
written to PDF with Qt's own PDF writer (also by ``inl-desktop report --format pdf``)."""

from __future__ import annotations

import html
import os
import sys
from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QGuiApplication, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from inl_desktop.domain.errors import UserError
from inl_desktop.services.reports.accomplishments import Figure, Report

PDF_RESOLUTION = 300


class PdfFailed(UserError):
    """The PDF could not be written."""


def _value_text(figure: Figure) -> str:
    if isinstance(figure.value, int):
        return f"{figure.value:,}"
    return f"{figure.value:,.3f}"


def report_html(report: Report) -> str:
    """The report as HTML: title, numbered sentences, the figures table, the rule."""
    parts = [f"<h2>{html.escape(report.title)}</h2>", "<ol>"]
    parts += [f"<li>{html.escape(sentence)}</li>" for sentence in report.sentences]
    parts.append("</ol><h3>Figures</h3>")
    parts.append(
        '<table border="1" cellspacing="0" cellpadding="3" width="100%">'
        "<tr><th>Sentence</th><th>Section</th><th>Figure</th><th>Value</th><th>Unit</th>"
        "<th>Basis</th><th>Shown as</th></tr>"
    )
    for figure in report.figures:
        cells = (
            str(figure.sentence) if figure.sentence else "",
            figure.section,
            figure.label,
            _value_text(figure),
            figure.unit,
            figure.basis,
            figure.shown_as,
        )
        row = "".join(
            f'<td align="right">{html.escape(c)}</td>' if n == 3 else f"<td>{html.escape(c)}</td>"
            for n, c in enumerate(cells)
        )
        parts.append(f"<tr>{row}</tr>")
    parts.append(f"</table><p><i>Counting rule: {html.escape(report.rule)}</i></p>")
    return "".join(parts)


def write_report_pdf(report: Report, target: Path) -> Path:
    """Write the report as an A4 PDF; return its path."""
    writer = QPdfWriter(str(target))
    writer.setResolution(PDF_RESOLUTION)
    writer.setTitle(report.title)
    writer.setCreator("INL Desktop")
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(15, 15, 15, 15),
            QPageLayout.Unit.Millimeter,
        )
    )
    document = QTextDocument()
    document.setDefaultStyleSheet("body { font-size: 9pt; } th { background: #e8e8e8; }")
    document.setHtml(report_html(report))
    document.print_(writer)
    del writer  # the file is complete once the writer is gone
    if not target.is_file() or target.stat().st_size == 0:
        raise PdfFailed(f"The PDF {target} could not be written")
    return target


def ensure_gui_application() -> QGuiApplication:
    """The running Qt application, or a new one; offscreen when there is no display."""
    existing = QGuiApplication.instance()
    if isinstance(existing, QGuiApplication):
        return existing
    headless = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if sys.platform.startswith("linux") and headless:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    return QGuiApplication(sys.argv[:1])
