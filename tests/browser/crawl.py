"""A generic crawl of the web interface, and the checks it runs on every page it reaches.

The crawl starts from every parameterless page in the URL map and follows every link
(`a[href]`, `hx-get`) a signed-in role is shown, so a page added by any app is covered
as soon as it is in the URL map or linked from a page. On each page it collects every
string a person can read — text, `title`/`placeholder`/`aria-label`/`alt`, button
values, `<option>` texts, the page title — and reports:

- in zh-Hans, Latin words that are not on the short list of names and acronyms that stay
  Latin in Chinese UI (KPI, AHP, CSV, …): English that was never marked for translation;
- in en, Chinese characters (untranslated catalogue entries, system notes stored in one
  language, master data without its English name);
- in both, raw identifiers used as labels: snake_case codes, and a whole label that
  equals a stored choice value (`quarter`, `survey`, `higher_better`), a stored code
  (slug) or a metric code instead of its display name.

Text inside `<code>`, `<kbd>`, `<samp>`, `<pre>`, form controls the person types into,
or an element marked `translate="no"` (people's names, their own words, codes shown as
codes) is data, not interface, and is not checked; nor is an element that declares its
own `lang` (the language picker). People's names and data source names from the
database are allowed anywhere.
"""

import re
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.urls import URLPattern, URLResolver, get_resolver

# Prefixes the crawl never follows: the admin and the API have their own checks, and
# these routes change state or leave the page (sign-out, language switch).
SKIPPED_PREFIXES = ("/admin/", "/api/", "/static/", "/media/")
SKIPPED_NAMES = {"logout", "set_language", "health"}
# Downloads are files, not pages.
DOWNLOAD = re.compile(r"\.(xlsx|csv|pdf|json|yaml|yml|zip)$|/export(\.|/)")
PER_PATTERN = 3  # distinct addresses visited per route (people/1, people/2, … are alike)

# Words that stay Latin in a Chinese interface: the product's name, acronyms people use
# as they are, file formats, and grade letters.
LATIN_IN_CHINESE = {
    "kpilib",
    "KPI",
    "KPIs",
    "AHP",
    "CR",
    "CI",
    "HR",
    "SMART",
    "CSV",
    "XLSX",
    "XLS",
    "JSON",
    "YAML",
    "PDF",
    "API",
    "REST",
    "OpenAPI",
    "CRM",
    "ID",
    "NPS",
    "PBC",
    "MBO",
    "OKR",
    "OKRs",
    "HTMX",
    "ECharts",
    "Excel",
    "GBK",
    "GB18030",
    "UTF",
    "BOM",
    "URL",
    "Webhook",
    "webhook",
    "HMAC",
    "SHA",
    "IP",
    "Token",
    "token",
    "Saaty",
    "Pearson",
    "MAD",
    "AIJ",
    "AIP",
    "QA",
    "PoC",
    "POC",
    "RFP",
    "Q1",
    "Q2",
    "Q3",
    "Q4",
    "SQL",
    "SQLite",
    "PostgreSQL",
    "LDAP",
    "SSO",
    "UI",
    "E-mail",
    "Email",
    "email",
}
# Names of other products, as their makers spell them in every language.
PRODUCT_NAMES = (
    "Zoho CRM",
    "Zoho Survey",
    "Zoho",
    "Salesforce",
    "Jira",
    "Zendesk",
    "DingTalk",
    "Gainsight",
    "ChurnZero",
    "HubSpot",
    "Feishu",
    "WeCom",
)
FILE_NAME = re.compile(r"[^\s/]+\.(csv|xlsx|xls|json|yaml|yml|txt|pdf)\b", re.IGNORECASE)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
ADDRESS = re.compile(r"https?://\S+|/[\w/.-]*/")
# E001, C-0042, 2026-Q3, file names: identifiers with digits are data, not words.
WITH_DIGITS = re.compile(r"\b[\w.-]*\d[\w.-]*\b")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
HAN = re.compile(r"[\u3400-\u9fff]")
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")

COLLECT_TEXTS = """() => {
  const exempt = "code, kbd, samp, pre, textarea, script, style, template, noscript, [translate=no]";
  // An element that declares its own language (the language picker's names) is in it.
  const ownLanguage = (element) => {
    const declared = element.closest("[lang]");
    return declared && declared !== document.documentElement;
  };
  const texts = [];
  const where = (element) => {
    const parts = [];
    for (let node = element; node && node !== document.body && parts.length < 4;
         node = node.parentElement) {
      let part = node.tagName.toLowerCase();
      if (node.id) { parts.unshift(part + "#" + node.id); break; }
      if (node.classList.length) part += "." + [...node.classList].join(".");
      parts.unshift(part);
    }
    return parts.join(" > ");
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.nodeValue.replace(/\\s+/g, " ").trim();
    const parent = node.parentElement;
    if (!text || !parent || parent.closest(exempt) || ownLanguage(parent)) continue;
    const label = parent.innerText !== undefined && parent.children.length === 0
      ? parent.innerText.replace(/\\s+/g, " ").trim() : text;
    texts.push({text, label, where: where(parent)});
  }
  for (const element of document.body.querySelectorAll(
      "[title], [placeholder], [aria-label], [alt], input[type=submit][value], input[type=button][value]")) {
    if (element.closest("[translate=no]") || ownLanguage(element)) continue;
    for (const name of ["title", "placeholder", "aria-label", "alt", "value"]) {
      if (name === "value" && element.tagName !== "INPUT") continue;
      const value = (element.getAttribute(name) || "").trim();
      if (value) texts.push({text: value, label: value, where: where(element) + "@" + name});
    }
  }
  texts.push({text: document.title, label: document.title, where: "title"});
  return texts;
}"""


@dataclass(frozen=True)
class Finding:
    """One string on one page that is not in the reader's language, or a raw identifier."""

    url: str
    where: str
    text: str
    reason: str

    def __str__(self) -> str:
        return f"{self.url} [{self.where}] {self.reason}: {self.text!r}"


@dataclass
class CrawlResult:
    """What one role saw: the pages visited and everything found on them."""

    visited: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    routes: set[str] = field(default_factory=set)


def _walk(patterns: list, prefix: str = "") -> list[tuple[str, URLPattern]]:
    found = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            found.extend(_walk(entry.url_patterns, prefix + str(entry.pattern)))
        elif isinstance(entry, URLPattern):
            found.append((prefix + str(entry.pattern), entry))
    return found


def url_map() -> list[tuple[str, str]]:
    """(route, name) of every page route in the URL map, outside the skipped prefixes."""
    routes = []
    for route, pattern in _walk(get_resolver().url_patterns):
        address = "/" + route
        if address.startswith(SKIPPED_PREFIXES) or pattern.name in SKIPPED_NAMES:
            continue
        routes.append((address, pattern.name or address))
    return routes


def seeds() -> list[str]:
    """Every parameterless, non-download route: the crawl's starting points."""
    return [
        route
        for route, _name in url_map()
        if "<" not in route and not DOWNLOAD.search(route) and "^" not in route
    ]


def route_of(path: str) -> str | None:
    from django.urls import Resolver404, resolve

    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.route or match.url_name


class Checker:
    """Decides which strings of a page are not in the reader's language."""

    def __init__(
        self, *, language: str, data_names: set[str], raw_values: dict[str, set[str]]
    ) -> None:
        self.language = language
        # People's names and the names HR gave its data sources are data in any language.
        # Longest first, so 张三丰 is removed before 张三.
        self.data_names = sorted((n for n in data_names if n), key=len, reverse=True)
        self.raw_values = raw_values  # value -> the labels that value may legitimately equal

    def _without_data(self, text: str) -> str:
        for name in self.data_names:
            text = text.replace(name, " ")
        for product in PRODUCT_NAMES:
            text = text.replace(product, " ")
        text = FILE_NAME.sub(" ", text)
        text = EMAIL.sub(" ", text)
        text = ADDRESS.sub(" ", text)
        return WITH_DIGITS.sub(" ", text)

    def check(self, url: str, where: str, text: str, label: str) -> list[Finding]:
        findings = []
        plain = self._without_data(text)
        if self.language == "zh-hans":
            words = [w for w in LATIN_WORD.findall(plain) if w not in LATIN_IN_CHINESE]
            if words:
                findings.append(Finding(url, where, text, "English in the Chinese page"))
        elif HAN.search(plain):
            findings.append(Finding(url, where, text, "Chinese in the English page"))
        for token in SNAKE.findall(plain):
            findings.append(Finding(url, where, text, f"raw snake_case identifier {token}"))
        whole = label.strip(" :：·,，()（）")
        # A one-word value (`quarter`) reads as English in an English page and is caught
        # as Latin in a Chinese one; codes with separators are caught in both.
        if whole in self.raw_values and re.search(r"[_\-\d]", whole):
            findings.append(Finding(url, where, text, f"raw value {whole!r} shown as a label"))
        return findings


def crawl(page: object, *, checker: Checker, base_url: str, limit: int = 400) -> CrawlResult:
    """Visit every page reachable from the URL map's seeds and the links shown, and check it."""
    result = CrawlResult()
    queue: deque[str] = deque(seeds())
    seen: set[str] = set(queue)
    per_route: dict[str, int] = {}
    while queue and len(result.visited) < limit:
        path = queue.popleft()
        route = route_of(urlsplit(path).path) or path
        key = route + ("?" + ",".join(sorted(_query_keys(path))) if "?" in path else "")
        if per_route.get(key, 0) >= PER_PATTERN:
            continue
        try:
            response = page.goto(base_url + path)  # type: ignore[attr-defined]
        except Exception:
            continue
        if response is not None and response.status >= 500:
            result.findings.append(Finding(path, "page", str(response.status), "server error"))
            continue
        if response is None or response.status >= 400:
            continue  # 403 and 404 are how the role is kept out
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        final = urlsplit(page.url)  # type: ignore[attr-defined]
        if final.path != urlsplit(path).path and final.path in seen:
            continue  # a redirect to a page already visited (login, home)
        per_route[key] = per_route.get(key, 0) + 1
        result.visited.append(path)
        result.routes.add(route)
        for item in page.evaluate(COLLECT_TEXTS):  # type: ignore[attr-defined]
            result.findings.extend(checker.check(path, item["where"], item["text"], item["label"]))
        for link in page.evaluate(  # type: ignore[attr-defined]
            """() => [...document.querySelectorAll("a[href], [hx-get]")].map(
                (e) => e.getAttribute("hx-get") || e.getAttribute("href"))"""
        ):
            target = _same_site(link, path)
            if target and target not in seen:
                seen.add(target)
                queue.append(target)
    return result


def _query_keys(path: str) -> list[str]:
    return [part.split("=")[0] for part in urlsplit(path).query.split("&") if part]


def _same_site(link: str, current: str) -> str | None:
    if not link or link.startswith(("#", "mailto:", "tel:", "javascript:")):
        return None
    parts = urlsplit(link)
    if parts.scheme or parts.netloc:
        return None  # the crawl stays on the live server; absolute links to it are rare
    path = parts.path if parts.path.startswith("/") else None
    if path is None:
        base = current.rsplit("/", 1)[0]
        path = f"{base}/{parts.path}"
    if path.startswith(SKIPPED_PREFIXES) or DOWNLOAD.search(path):
        return None
    try:
        from django.urls import resolve

        if resolve(path).url_name in SKIPPED_NAMES:
            return None
    except Exception:
        return None
    return path + (f"?{parts.query}" if parts.query else "")
