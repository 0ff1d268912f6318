"""What a mail says, written once and given as plain text and as HTML, in the recipient's
language."""

from __future__ import annotations

from dataclasses import dataclass

from community.i18n import current_locale
from community.templating import environment


@dataclass(frozen=True)
class Letter:
    subject: str
    greeting: str
    paragraphs: tuple[str, ...]
    action: str  # the label of the link
    url: str
    closing: tuple[str, ...] = ()

    def text(self) -> str:
        blocks = [self.greeting, *self.paragraphs, f"{self.action}\n{self.url}", *self.closing]
        return "\n\n".join(blocks) + "\n\n-- \nRuche\n"

    def html(self) -> str:
        template = environment.get_template("mail/letter.html")
        return template.render(letter=self, locale=current_locale())
