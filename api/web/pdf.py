"""A map on paper: its print HTML (``render_html(paper=...)``) as a PDF of landscape sheets of
that paper, each numbered at the foot ("3 / 12")."""

from __future__ import annotations

from api.web.devtools import Page
from api.web.paper import MM_PER_INCH, Paper

FOOTER = (
    '<div style="width:100%;text-align:center;font-size:8px;color:#61707d;'
    'font-family:sans-serif"><span class="pageNumber"></span> / '
    '<span class="totalPages"></span></div>'
)


def to_pdf(html: str, paper: Paper) -> bytes:
    with Page(html) as page:
        return page.data(
            "Page.printToPDF",
            paperWidth=paper.width_mm / MM_PER_INCH,
            paperHeight=paper.height_mm / MM_PER_INCH,
            preferCSSPageSize=True,  # the sheet and margins of the page's @page rule
            printBackground=True,
            displayHeaderFooter=True,
            headerTemplate="<span></span>",
            footerTemplate=FOOTER,
        )
