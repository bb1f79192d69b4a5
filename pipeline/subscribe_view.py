"""The readable terminal view of ``newswire subscribe --format text``.

Article text is untrusted: it goes through rich's escaping (``Text``), never markup.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

_console = Console()


def render(record: dict, console: Console = _console) -> None:
    if "quote" in record:  # QuoteRecord
        quote = record["quote"]
        line = Text()
        line.append(record.get("speaker_name") or (quote.get("speaker") or {}).get("text") or "unknown", style="bold")
        line.append(f" ({quote.get('kind')}): ")
        line.append(quote.get("text", ""))
        line.append(f"  [{record.get('article_id')}]", style="dim")
        console.print(line)
        return
    if "entities" in record:  # EnrichedArticle
        head = Text(record.get("title") or record.get("id") or "", style="bold")
        dateline = record.get("dateline") or {}
        head.append(f"  {dateline.get('location') or ''} {record.get('published_at') or ''}  [{record.get('id')}]",
                    style="dim")
        console.print(head)
        top = sorted(record["entities"], key=lambda e: -e.get("salience", 0))[:6]
        if top:
            console.print(Text("  entities: " + ", ".join(f"{e['name']} ({e['label']})" for e in top)))
        for quote in record.get("quotes") or []:
            who = (quote.get("speaker") or {}).get("name") or (quote.get("speaker") or {}).get("text") or "?"
            console.print(Text(f"  {who}: {quote.get('text', '')[:200]}"))
        return
    console.print(Text(str(record)))
