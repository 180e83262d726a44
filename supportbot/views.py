"""Views: the `Message`s and `Form`s the core shows, built from snapshots and templates.

Pure functions of their inputs (no I/O), so every adapter renders the same content natively and
tests can check a card without a platform.
"""

from __future__ import annotations

from dataclasses import dataclass

from supportbot import markup
from supportbot.config import PRIORITIES, Config
from supportbot.events import UNVERIFIED_TAG
from supportbot.messages import Button, Field, Form, Message, Option, SelectInput, Style, TextInput
from supportbot.templates import Templates
from supportbot.tickets.view import TicketView


@dataclass(frozen=True, slots=True)
class Views:
    templates: Templates
    config: Config

    def t(self, template: str, locale: str | None, /, **values: object) -> str:
        return self.templates.render(template, locale or self.config.locale, **values)

    def ticket_card(self, ticket: TicketView, sla_due: str | None = None) -> Message:
        loc = self.config.locale  # the support team's language, not the customer's
        fields = [
            Field(self.t("card.field.status", loc), self.t(f"card.status.{ticket.status}", loc)),
            Field(self.t("card.field.priority", loc), ticket.priority),
            Field(self.t("card.field.requester", loc), self._requester(ticket, loc)),
            Field(
                self.t("card.field.assignee", loc),
                markup.mention(ticket.assignee.handle)
                if ticket.assignee
                else self.t("card.unassigned", loc),
            ),
            Field(self.t("card.field.team", loc), markup.escape(ticket.team)),
        ]
        if ticket.category:
            fields.append(Field(self.t("card.field.category", loc), markup.escape(ticket.category)))
        if sla_due and ticket.is_open:
            fields.append(Field(self.t("card.field.sla", loc), markup.escape(sla_due)))
        return Message(
            title=self.t("card.title", loc, t=ticket),
            text=markup.escape(_excerpt(ticket.body)),
            fields=tuple(fields),
            buttons=self._card_buttons(ticket, loc),
            context=(
                self.t(
                    "card.context",
                    loc,
                    kind=self.t(f"card.kind.{ticket.kind}", loc),
                    platform=ticket.origin_platform,
                    opened=ticket.created_at.strftime("%Y-%m-%d %H:%M UTC"),
                ),
            ),
            accent="resolved" if not ticket.is_open else ticket.priority.lower(),
            kind="ticket_card",
        )

    def _requester(self, ticket: TicketView, loc: str) -> str:
        who = markup.escape(ticket.requester.name)
        if ticket.requester.organization:
            who = markup.Safe(f"{who} ({markup.escape(ticket.requester.organization)})")
        if UNVERIFIED_TAG in ticket.tags:
            who = markup.Safe(self.t("card.requester.unverified", loc, who=who))
        return who

    def _card_buttons(self, ticket: TicketView, loc: str) -> tuple[Button, ...]:
        n = str(ticket.number)
        if not ticket.is_open:
            return (Button("ticket.reopen", self.t("card.button.reopen", loc), n),)
        first = (
            Button("ticket.claim", self.t("card.button.claim", loc), n, Style.PRIMARY)
            if ticket.assignee is None
            else Button("ticket.unclaim", self.t("card.button.unclaim", loc), n)
        )
        waiting = (
            (Button("ticket.wait", self.t("card.button.wait", loc), n),)
            if ticket.status == "assigned"
            else ()
        )
        return (
            first,
            *waiting,
            Button("ticket.resolve", self.t("card.button.resolve", loc), n, Style.PRIMARY),
            Button("ticket.escalate", self.t("card.button.escalate", loc), n, Style.DANGER),
            Button("ticket.handoff", self.t("card.button.handoff", loc), n),
        )

    def note(
        self, template: str, locale: str | None = None, /, kind: str = "", **values: object
    ) -> Message:
        """A one-line message from a template."""
        return Message(text=self.t(template, locale, **values), kind=kind)

    # -- forms -------------------------------------------------------------------------------
    def new_ticket_form(self, locale: str) -> Form:
        return Form(
            form="ticket.new",
            title=self.t("form.new.title", locale),
            inputs=(
                TextInput("subject", self.t("form.new.subject", locale)),
                TextInput("body", self.t("form.new.body", locale), multiline=True),
                SelectInput(
                    "priority",
                    self.t("card.field.priority", locale),
                    tuple(Option(p, p) for p in PRIORITIES),
                    optional=True,
                ),
            ),
            submit_label=self.t("form.submit", locale),
        )

    def escalation_form(self, number: int, locale: str) -> Form:
        return Form(
            form="escalation.request",
            title=self.t("form.escalate.title", locale, number=number),
            inputs=(
                TextInput("reason", self.t("form.escalate.reason", locale), multiline=True),
                SelectInput(
                    "department",
                    self.t("form.escalate.department", locale),
                    self._departments(),
                    optional=True,
                ),
            ),
            submit_label=self.t("form.submit", locale),
            context=str(number),
        )

    def deny_form(self, escalation_id: int, locale: str) -> Form:
        return Form(
            form="escalation.deny",
            title=self.t("form.deny.title", locale),
            inputs=(TextInput("reason", self.t("form.deny.reason", locale), multiline=True),),
            submit_label=self.t("form.submit", locale),
            context=str(escalation_id),
        )

    def handoff_form(self, number: int, locale: str) -> Form:
        return Form(
            form="handoff.open",
            title=self.t("form.handoff.title", locale, number=number),
            inputs=(
                SelectInput(
                    "department", self.t("form.handoff.department", locale), self._departments()
                ),
                TextInput("note", self.t("form.handoff.note", locale), multiline=True),
            ),
            submit_label=self.t("form.submit", locale),
            context=str(number),
        )

    def csat_comment_form(self, poll_id: int, locale: str) -> Form:
        return Form(
            form="csat.comment",
            title=self.t("form.csat.title", locale),
            inputs=(TextInput("comment", self.t("form.csat.comment", locale), multiline=True),),
            submit_label=self.t("form.submit", locale),
            context=str(poll_id),
        )

    def _departments(self) -> tuple[Option, ...]:
        return tuple(Option(d.name.capitalize(), d.name) for d in self.config.departments)


def _excerpt(text: str, limit: int = 600) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
