"""What ``invitebot check`` warns about in a campaign that is valid but probably wrong.

None of these stops a campaign (a historical example may well have its
deadline in the past), so each is a warning, not an error:

- a language of the mission list with no template: those missions would
  get the fallback language, which used to happen silently;
- a reply deadline already past, or after the meeting has begun;
- a send date after the meeting has ended.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from zoneinfo import ZoneInfo

from bot.config.campaign import LoadedConfig

_SHOWN = 5


def outgoing_templates(config: LoadedConfig) -> list[str]:
    """The template names the campaign sends to missions."""
    campaign = config.campaign
    names = [campaign.templates.invitation]
    if campaign.reminders_enabled:
        names.append(campaign.templates.reminder)
    if campaign.templates.acknowledgement:
        names.append(campaign.templates.acknowledgement)
    return names


def missing_languages(config: LoadedConfig) -> list[str]:
    """One line per template and language that missions need and the folder lacks."""
    by_language: dict[str, list[str]] = defaultdict(list)
    for mission in config.missions:
        by_language[mission.language].append(mission.code)
    fallback = config.campaign.meeting.language
    lines = []
    for name in outgoing_templates(config):
        for language, codes in sorted(by_language.items()):
            if (config.template_dir / f"{name}.{language}.txt").is_file():
                continue
            shown = ", ".join(codes[:_SHOWN]) + (f" and {len(codes) - _SHOWN} more"
                                                 if len(codes) > _SHOWN else "")
            instead = fallback if (config.template_dir / f"{name}.{fallback}.txt").is_file() \
                else "en"
            lines.append(f"no {name}.{language}.txt in {config.template_dir}: "
                         f"{len(codes)} mission(s) ({shown}) would get {instead}")
    return lines


def date_warnings(config: LoadedConfig, today: date) -> list[str]:
    """Deadline and send date that cannot be what the secretariat meant."""
    campaign = config.campaign
    meeting, schedule = campaign.meeting, campaign.schedule
    lines = []
    deadline = schedule.reply_deadline
    if campaign.expects_reply and deadline is not None:
        if deadline < today:
            lines.append(f"schedule.reply_deadline {deadline} is already past "
                         f"({(today - deadline).days} day(s) ago)")
        if deadline > meeting.start:
            lines.append(f"schedule.reply_deadline {deadline} is after the meeting opens "
                         f"({meeting.start})")
    if schedule.send_at is not None:
        send_at = schedule.send_at
        if send_at.tzinfo is not None:
            send_at = send_at.astimezone(ZoneInfo(meeting.timezone))
        if send_at.date() > meeting.end:
            lines.append(f"schedule.send_at {send_at:%Y-%m-%d %H:%M} is after the meeting "
                         f"ends ({meeting.end})")
    return lines
