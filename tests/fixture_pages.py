"""The pages the reading tests serve, built the way real sites build them: an app shell and
its AMP copy, a JSON-LD-only page, a Next.js page, a paywalled teaser and its free twin, and
PDFs. ``benchmarks/reading_coverage.py`` reads the same pages (``coverage_pages``).

Only the standard library and ``tests.pdfs`` are imported, so the benchmark can load this
module beside an older checkout of Briefbot.
"""

from __future__ import annotations

import json

from tests.pdfs import blank_pdf, encrypted, image_pdf, text_pdf, wrapped

HTML = "text/html; charset=utf-8"
PDF = "application/pdf"

HEADLINE = "Lighthouse keepers return to Rathlin after forty years"
PARAGRAPHS = [
    "Two keepers moved back into the lighthouse on Rathlin Island on Monday, forty years after "
    "the last crew left when the light was automated, the Commissioners of Irish Lights said.",
    "The keepers will look after a new weather station and a visitor centre, which the "
    "commissioners expect to draw twenty thousand people a year to the island off County Antrim.",
    "Islanders, who number about 150, welcomed the move but asked the ferry operator to add "
    "sailings in the summer months, when the boats are already full by mid-morning.",
    "Mary Doherty, who chairs the island's development association, said the keepers would be "
    "the first new residents to arrive on Rathlin in more than a decade.",
]
RELATED = (
    "Puffin numbers on the cliffs of the west of the island rose again this year, counters from "
    "the bird charity said, after two poor seasons in which storms washed many of the nests away."
)

# The shell a client-side app serves: nothing to read until its scripts run.
SHELL = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{title}</title>{head}</head>
<body><div id="{root}"></div><noscript>You need to enable JavaScript to run this app.</noscript>
<script src="/static/js/main.3f9a1c.js"></script>{body}</body></html>"""

AMP_PAGE = f"""<!doctype html><html amp lang="en"><head><meta charset="utf-8">
<title>{HEADLINE} | North Coast News</title>
<link rel="canonical" href="/news/rathlin-keepers">
<meta property="og:site_name" content="North Coast News"></head>
<body><header>North Coast News</header><article><h1>{HEADLINE}</h1>
{"".join(f"<p>{p}</p>" for p in PARAGRAPHS)}</article></body></html>"""


def shell(title: str = HEADLINE, head: str = "", root: str = "root", body: str = "") -> str:
    return SHELL.format(title=title, head=head, root=root, body=body)


def amp_shell(amp_href: str = "/amp/news/rathlin-keepers") -> str:
    return shell(head=f'<link rel="amphtml" href="{amp_href}">')


def json_ld_page() -> str:
    data = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "North Coast News"},
            {"@type": "NewsArticle", "headline": HEADLINE, "articleBody": "\n\n".join(PARAGRAPHS)},
        ],
    }
    head = f'<script type="application/ld+json">{json.dumps(data)}</script>'
    return shell(title="North Coast News", head=head)


def next_page() -> str:
    data = {
        "props": {
            "pageProps": {
                "menu": [{"label": "News", "href": "/news"}, {"label": "Sport", "href": "/sport"}],
                "article": {
                    "headline": HEADLINE,
                    "standfirst": "The island's light has keepers again.",
                    "body": [{"type": "paragraph", "content": p} for p in PARAGRAPHS],
                },
                "related": [
                    {"title": "Puffins return", "url": "/news/puffins", "summary": RELATED},
                    {"title": "Ferry fares", "url": "/news/ferry", "summary": RELATED},
                    {"title": "Storm damage", "url": "/news/storm", "summary": RELATED},
                ],
            }
        },
        "page": "/news/[slug]",
        "buildId": "k2Jd9Xq0",
    }
    blob = f'<script id="__NEXT_DATA__" type="application/json">{json.dumps(data)}</script>'
    return shell(root="__next", body=blob)


def teaser_page(paywalled: bool = True) -> str:
    """The first two paragraphs; behind a paywall, the page's JSON-LD says the rest is paid."""
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": HEADLINE,
        "isAccessibleForFree": False,
        "hasPart": {
            "@type": "WebPageElement",
            "isAccessibleForFree": False,
            "cssSelector": ".paid",
        },
    }
    ld = f'<script type="application/ld+json">{json.dumps(data)}</script>' if paywalled else ""
    paid = '<div class="paid"><p>Subscribe to read the rest of this story.</p></div>'
    return f"""<!doctype html><html lang="en"><head><title>{HEADLINE}</title>
<meta property="og:site_name" content="Antrim Ledger">{ld}</head>
<body><article><h1>{HEADLINE}</h1><p>{PARAGRAPHS[0]}</p><p>{PARAGRAPHS[1]}</p>
{paid if paywalled else ""}</article></body></html>"""


REPORT = [
    "The port authority of Tallinn said on Monday that container traffic fell by a fifth in "
    "the first half of the year, as shipping lines moved cargo to Gdansk and Klaipeda after "
    "a dispute over dock fees.",
    "Chief executive Marta Kask told the city council that the authority would cut its fees "
    "for large vessels from January and spend forty million euros on new cranes at the "
    "Muuga terminal.",
    "The Estonian government, which owns the port, has asked the authority for a "
    "reconstruction plan for the old harbour by the end of March, the report says.",
]
REPORT_HEADER = "Port of Tallinn - half-year report"
REPORT_TITLE = "Tallinn port traffic report, first half"


def report_pdf(**info: str) -> bytes:
    """Three pages under a running head, numbered, one word hyphenated at a line end."""
    body = wrapped(REPORT, width=70)
    at = next(i for i, line in enumerate(body) if "reconstruction" in line)
    before, after = body[at].split("reconstruction")
    body[at : at + 1] = [before + "recon-", "struction" + after]
    pages = [
        [
            REPORT_HEADER,
            "Traffic falls as lines move to rival ports",
            "",
            *body[:6],
            "",
            "Page 1 of 3",
        ],
        [REPORT_HEADER, *body[6:12], "", "Page 2 of 3"],
        [REPORT_HEADER, *body[12:], "", "Page 3 of 3"],
    ]
    return text_pdf(pages, **info)


ANNEX_LINE = "Cargo volumes at the Muuga terminal were recorded for the month, berth by berth."
ANNEX_END = "The last table of the annex gives the totals for the year."


def annex_pdf(pages: int) -> bytes:
    """A long annex of tables: many pages of the same line, its totals on the last page."""
    sheets = [[f"Annex table {n}", *[ANNEX_LINE] * 40] for n in range(pages)]
    sheets[-1].append(ANNEX_END)
    return text_pdf(sheets)


def coverage_pages() -> dict[str, tuple[bytes, str]]:
    """Path -> (body, content type) of every page above; AMP copies are reached by their link."""
    html = {
        "/news/rathlin-keepers": amp_shell(),
        "/news/ld": json_ld_page(),
        "/news/next": next_page(),
        "/news/paid": teaser_page(),
        "/news/free": teaser_page(paywalled=False),
        "/app": shell(title="North Coast News"),
    }
    pdfs = {
        "/reports/h1.pdf": report_pdf(title=REPORT_TITLE, author="Port of Tallinn"),
        "/download/7": report_pdf(title="Microsoft Word - h1_final_v3.docx"),
        "/blank.pdf": blank_pdf(2),
        "/scan.pdf": image_pdf(3),
        "/password.pdf": encrypted(report_pdf(), user_password="harbour"),
        "/locked.pdf": encrypted(report_pdf(), user_password=""),
        "/annex.pdf": annex_pdf(250),
    }
    pages = {path: (body.encode(), HTML) for path, body in html.items()}
    pages.update({path: (body, PDF) for path, body in pdfs.items()})
    pages["/download/7"] = (pdfs["/download/7"], "application/octet-stream")
    return pages


def amp_copies() -> dict[str, tuple[bytes, str]]:
    return {"/amp/news/rathlin-keepers": (AMP_PAGE.encode(), HTML)}
