"""The daily digest: what the desk officer reads every morning.

Totals, what arrived since the last digest (with the delegates found), the
silent missions by days since their invitation, the reply deadline, the
open review queue and every failed message (inbound and outbox), with the
full delegate list attached as CSV. A digest with nothing new says so.
With ``INVITEBOT_CONSOLE_URL`` set, its review items and mission lines link
to the staff console's pages (``DigestData.link``).

A digest covers one *slot*: the latest configured local time at or before
now (``schedule.digest.time`` in ``meeting.timezone``). Sending is
idempotent per slot twice over: a ``DigestRun`` row with a unique
``period_key`` and the outbox ``dedupe_key`` ``digest:<campaign>:<date>``.
The message then leaves through the outbox like any other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, or_, select

from bot import models
from bot.app import App
from bot.clock import as_utc, utcnow
from bot.config.campaign import CampaignFile
from bot.digest import render as digest_render
from bot.digest.data import Arrival, DigestData, Problem, Silent, ToConfirm
from bot.mail.outbox import enqueue_message
from bot.mail.render import Rendered
from bot.results.export import delegations, to_csv
from bot.results.records import MissionRecord, load_missions

TOTALS = ("missions", "invited", "delivered", "bounced", "failed", "replied", "accepted",
          "declined", "undecided", "awaiting_review", "silent")


def digest_slot(campaign: CampaignFile, now: datetime) -> datetime:
    """The latest digest time at or before ``now`` (aware UTC)."""
    zone = ZoneInfo(campaign.meeting.timezone)
    at = campaign.schedule.digest.time.replace(tzinfo=None)
    local_day = now.astimezone(zone).date()
    for day in (local_day, local_day - timedelta(days=1)):
        slot = datetime.combine(day, at, tzinfo=zone).astimezone(UTC)
        if slot <= now:
            return slot
    return datetime.combine(local_day - timedelta(days=2), at, tzinfo=zone).astimezone(UTC)


def slot_date(campaign: CampaignFile, slot: datetime) -> date:
    return slot.astimezone(ZoneInfo(campaign.meeting.timezone)).date()


def count_totals(records: list[MissionRecord], *, expects_reply: bool = True) -> dict[str, int]:
    """The digest's totals; an informational campaign counts nobody as silent."""
    totals = dict.fromkeys(TOTALS, 0)
    totals["missions"] = len(records)
    for r in records:
        if r.status == "pending":
            continue
        totals["invited"] += 1
        if r.status in ("bounced", "failed"):
            totals[r.status] += 1
            continue
        totals["delivered"] += 1
        if r.status in ("replied", "needs_review"):
            totals["replied"] += 1
            decision = {"accept": "accepted", "decline": "declined"}.get(r.decision or "",
                                                                          "undecided")
            totals[decision] += 1
        elif r.awaiting_review and r.status == "sent":
            totals["awaiting_review"] += 1
        elif r.silent and expects_reply:
            totals["silent"] += 1
    return totals


def _person(d: object) -> str:
    parts = [getattr(d, "honorific", None), getattr(d, "name", ""), getattr(d, "title", None)]
    return ", ".join(p for p in (" ".join(x for x in parts[:2] if x), parts[2]) if p)


def _arrivals(session: Session, campaign_id: int, since: datetime | None,
              names: dict[int, str]) -> list[Arrival]:
    query = (select(models.InboundMessage)
             .where(or_(col(models.InboundMessage.campaign_id) == campaign_id,
                        col(models.InboundMessage.campaign_id).is_(None)))
             .order_by(col(models.InboundMessage.received_at), col(models.InboundMessage.id)))
    if since is not None:
        query = query.where(col(models.InboundMessage.received_at) > since)
    out = []
    for m in session.exec(query):
        response = session.exec(select(models.Response)
                                .where(models.Response.inbound_id == m.id)
                                .order_by(col(models.Response.id).desc())).first()
        people: tuple[str, ...] = ()
        event = session.exec(select(models.DelegationEvent)
                             .where(models.DelegationEvent.inbound_id == m.id)).first()
        if response is not None:
            people = tuple(_person(d) for d in session.exec(
                select(models.Delegate).where(models.Delegate.response_id == response.id)
                .order_by(col(models.Delegate.position))))
        out.append(Arrival(
            received_at=as_utc(m.received_at), from_addr=m.from_addr or "",
            subject=m.subject or "", classification=m.classification or "",
            status=m.status, mission=names.get(m.mission_id or -1, ""),
            mission_id=m.mission_id if m.mission_id in names else None,
            decision=response.decision if response else None, delegates=people,
            operation=event.operation if event else None,
            to_confirm=(event.to_confirm if event is not None
                        else response.to_confirm if response else None)))
    return out


def _problems(session: Session, campaign_id: int) -> tuple[list[Problem], list[Problem]]:
    review = [Problem("review", as_utc(item.created_at), msg.from_addr or "", msg.subject or "",
                      item.reason, inbound_id=msg.id)
              for item, msg in session.exec(
                  select(models.ReviewItem, models.InboundMessage)
                  .where(models.ReviewItem.inbound_id == models.InboundMessage.id)
                  .where(models.ReviewItem.state == "open")
                  # Another campaign's doubts are for its own digest.
                  .where(or_(col(models.InboundMessage.campaign_id) == campaign_id,
                             col(models.InboundMessage.campaign_id).is_(None)))
                  .order_by(col(models.ReviewItem.created_at)))]
    failed = [Problem("inbound", as_utc(m.updated_at), m.from_addr or "", m.subject or "",
                      f"{m.stage or '?'}: {m.error or ''}")
              for m in session.exec(
                  select(models.InboundMessage)
                  .where(models.InboundMessage.status == models.InboundStatus.FAILED)
                  .where(or_(col(models.InboundMessage.campaign_id) == campaign_id,
                             col(models.InboundMessage.campaign_id).is_(None)))
                  .order_by(col(models.InboundMessage.id)))]
    failed += [Problem("outbox", as_utc(o.created_at), o.recipients, o.subject,
                       o.last_error or "")
               for o in session.exec(
                   select(models.OutboxMessage)
                   .where(models.OutboxMessage.state == models.OutboxState.FAILED)
                   .where(or_(col(models.OutboxMessage.campaign_id) == campaign_id,
                              col(models.OutboxMessage.campaign_id).is_(None)))
                   .order_by(col(models.OutboxMessage.id)))]
    return review, failed


def collect(session: Session, campaign: CampaignFile, campaign_id: int, *, now: datetime,
            since: datetime | None, console_url: str | None = None) -> DigestData:
    """Read everything the digest reports, as of ``now``; links to ``console_url`` if given."""
    records = load_missions(session, campaign_id)
    names = {r.mission_id: f"{r.code} {r.country}" for r in records}
    zone = ZoneInfo(campaign.meeting.timezone)
    today = now.astimezone(zone).date()
    deadline = campaign.schedule.reply_deadline
    expects = campaign.expects_reply
    silent = sorted((Silent(r.code, r.country, (now - r.sent_at).days if r.sent_at else 0,
                            r.mission_id)
                     for r in records if r.silent and expects), key=lambda s: (-s.days, s.code))
    undelivered = [Silent(r.code, r.country, 0, r.mission_id) for r in records
                   if r.status in ("bounced", "failed")]
    awaiting = [Silent(r.code, r.country, (now - r.sent_at).days if r.sent_at else 0,
                       r.mission_id)
                for r in records if r.awaiting_review and r.status == "sent"]
    to_confirm = [ToConfirm(r.code, r.country, r.to_confirm, r.mission_id)
                  for r in records if r.to_confirm]
    review, failed = _problems(session, campaign_id)
    return DigestData(
        reference=campaign.meeting.reference, title=campaign.meeting.title,
        day=slot_date(campaign, digest_slot(campaign, now)), since=since, now=now,
        expects_reply=expects, deadline=deadline,
        days_left=(deadline - today).days if deadline is not None else None,
        totals=count_totals(records, expects_reply=expects), undelivered=undelivered,
        arrivals=_arrivals(session, campaign_id, since, names), silent=silent,
        awaiting=awaiting, to_confirm=to_confirm, review=review, failed=failed,
        delegates_csv=to_csv(delegations(session, campaign_id), "delegations"),
        console_url=console_url,
    )


def last_run(session: Session, campaign_id: int) -> models.DigestRun | None:
    return session.exec(select(models.DigestRun)
                        .where(models.DigestRun.campaign_id == campaign_id)
                        .order_by(col(models.DigestRun.created_at).desc(),
                                  col(models.DigestRun.id).desc())).first()


def build_message(campaign: CampaignFile, data: DigestData, rendered: Rendered,
                  recipients: list[str]) -> EmailMessage:
    message = EmailMessage()
    sender = campaign.mail.sender
    message["From"] = formataddr((sender.name, sender.address))
    message["To"] = ", ".join(recipients)
    message["Subject"] = rendered.subject
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(rendered.text)
    if rendered.html is not None:  # the digest's renderer always makes one
        message.add_alternative(rendered.html, subtype="html")
    # UTF-8 with a BOM (for Excel), and said in the header (for everything else).
    message.add_attachment(data.delegates_csv, maintype="text", subtype="csv",
                           filename=f"delegates-{data.day.isoformat()}.csv",
                           params={"charset": "utf-8"})
    return message


@dataclass(frozen=True)
class DigestResult:
    sent: bool
    day: date
    reason: str
    outbox_id: int | None = None

    def __str__(self) -> str:
        return f"{self.day}: {self.reason}"


def preview(app: App, now: datetime | None = None) -> tuple[DigestData, Rendered]:
    """Build the digest as it would be sent now, without recording anything."""
    now = now or utcnow()
    campaign_id = app.campaign_id()
    campaign = app.config.campaign
    with app.session() as session:
        run = last_run(session, campaign_id)
        data = collect(session, campaign, campaign_id, now=now,
                       since=as_utc(run.created_at) if run else None,
                       console_url=app.settings.console_url)
    return data, digest_render.render(app.config, data)


def send_digest(app: App, now: datetime | None = None, *, force: bool = False) -> DigestResult:
    """Queue the digest of the current slot, unless it was queued already."""
    now = now or utcnow()
    campaign_id = app.campaign_id()
    campaign = app.config.campaign
    day = slot_date(campaign, digest_slot(campaign, now))
    recipients = list(campaign.schedule.digest.recipients)
    if not recipients:
        return DigestResult(False, day, "no schedule.digest.recipients configured")
    period_key = f"{campaign_id}:{day.isoformat()}"
    dedupe_key = f"digest:{campaign_id}:{day.isoformat()}"
    if force:
        stamp = now.strftime("%H%M%S")
        period_key, dedupe_key = f"{period_key}:{stamp}", f"{dedupe_key}:{stamp}"
    try:
        with app.session() as session:
            if session.exec(select(models.DigestRun)
                            .where(models.DigestRun.period_key == period_key)).first():
                return DigestResult(False, day, "already sent")
            previous = last_run(session, campaign_id)
            since = as_utc(previous.created_at) if previous else None
            data = collect(session, campaign, campaign_id, now=now, since=since,
                           console_url=app.settings.console_url)
            rendered = digest_render.render(app.config, data)
            session.add(models.DigestRun(campaign_id=campaign_id, period_key=period_key,
                                         since=since, created_at=now))
            session.flush()
            row = enqueue_message(session, kind=models.OutboxKind.DIGEST.value,
                                  dedupe_key=dedupe_key,
                                  message=build_message(campaign, data, rendered, recipients),
                                  campaign_id=campaign_id)
            if row is None:
                return DigestResult(False, day, "already in the outbox")
            return DigestResult(True, day, f"queued for {len(recipients)} recipient(s)", row.id)
    except IntegrityError:
        # Another process recorded this slot between our check and our insert.
        return DigestResult(False, day, "already sent")


def digest_due(app: App, now: datetime | None = None) -> bool:
    """True when the current slot has no digest yet and the campaign existed at its time.

    ``run --once`` asks this; a campaign created after today's digest time
    gets its first digest at the next slot, not at once.
    """
    now = now or utcnow()
    campaign = app.config.campaign
    slot = digest_slot(campaign, now)
    campaign_id = app.campaign_id()
    with app.session() as session:
        row = session.get(models.Campaign, campaign_id)
        if row is None or as_utc(row.created_at) > slot:
            return False
        key = f"{campaign_id}:{slot_date(campaign, slot).isoformat()}"
        return session.exec(select(models.DigestRun)
                            .where(models.DigestRun.period_key == key)).first() is None
