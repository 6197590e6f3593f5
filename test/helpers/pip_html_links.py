"""What pip reads from HTML index pages, for the differential tests.

Reads a JSON list of page texts on stdin; prints one JSON object: the interpreter's version, and
for each page either {"anchors": [...], "base": ...} or {"error": "<exception class>"}.

Each page goes through pip's own HTMLLinkParser when pip is importable, else through a class that
does what pip's does (pip/_internal/index/collector.py): one feed() of the decoded page and no
close(), the attrs of every <a> start tag as a dict (so the last duplicate wins), and the href of
the first <base> tag whose first href attribute has a value.
"""
import json
import sys
from html.parser import HTMLParser

try:
    from pip._internal.index.collector import HTMLLinkParser as PipLinkParser
    SOURCE = "pip"
except Exception:  # pip absent or reorganised: the same behaviour, written out
    SOURCE = "model"

    class PipLinkParser(HTMLParser):
        def __init__(self, url):
            super().__init__(convert_charrefs=True)
            self.url = url
            self.base_url = None
            self.anchors = []

        def handle_starttag(self, tag, attrs):
            if tag == "base" and self.base_url is None:
                href = None
                for name, value in attrs:
                    if name == "href":
                        href = value
                        break
                if href is not None:
                    self.base_url = href
            elif tag == "a":
                self.anchors.append(dict(attrs))


def read(page):
    parser = PipLinkParser("https://idx.example/simple/dep/")
    try:
        parser.feed(page)
    except Exception as error:  # pip would stop on this page with a traceback
        return {"error": type(error).__name__}
    return {"anchors": parser.anchors, "base": parser.base_url}


def main():
    pages = json.load(sys.stdin)
    json.dump(
        {
            "python": "%d.%d.%d" % sys.version_info[:3],
            "rcdata": hasattr(HTMLParser, "RCDATA_CONTENT_ELEMENTS"),
            "source": SOURCE,
            "results": [read(page) for page in pages],
        },
        sys.stdout,
    )


main()
