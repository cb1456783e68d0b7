"""What ``invitebot init DIR`` writes: a commented campaign file, a mission list, templates.

The campaign file is a skeleton to fill in, commented key by key; the
mission list comes from the shipped directory (:mod:`bot.config.directory`)
with the addresses left empty; the templates are invitebot's own, in the
six languages, for staff to reword. Nothing existing is overwritten.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.config.directory import select_entries, write_list
from bot.errors import ConfigError

SHIPPED_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
_KINDS = ("invitation.", "reminder.", "acknowledgement.", "note-layout.html")

CAMPAIGN = """\
# invitebot campaign file: one meeting, one invitation to every mission on
# the list. Fill in every line marked FILL IN, then run
#   invitebot check -c {path}
# (it renders every invitation and reaches the servers) and
#   invitebot send --dry-run -c {path}
# (writes the messages as .eml files to read before anything is sent).
# Server settings and passwords are never here: they come from INVITEBOT_*
# environment variables (see the README, "Configuration").

# true: the letter asks for an answer (registration, composition of the
# delegation) by schedule.reply_deadline; silent missions are reminded.
# false: an informational letter; no deadline, no reminders, replies that
# come are still read and recorded.
expects_reply: true

meeting:
  reference: "FILL IN"               # the letter's symbol, e.g. "CU 2009/33 (A)"
  title: "FILL IN"                   # as it reads mid-sentence: "first meeting of the ..."
  organizer: "FILL IN"               # who invites, e.g. "Secretary-General of the United Nations"
  start: 2030-01-01                  # FILL IN: first and last day of the meeting
  end: 2030-01-01
  venue: "FILL IN"
  language: en                       # the digest's language and the fallback for invitations
  languages: [en, fr, es, ru, ar, zh]
  timezone: UTC                      # FILL IN, e.g. Europe/Vienna or America/New_York

mail:
  sender:
    name: "FILL IN"
    address: secretariat@example.org # FILL IN
  reply_to: secretariat@example.org  # replies: secretariat+TOKEN@..., the mailbox invitebot reads

templates:
  invitation: invitation             # templates/invitation.<lang>.{{subject,txt,html}}
  reminder: reminder                 # not needed when expects_reply is false
  acknowledgement: null              # "acknowledgement" to confirm receipt of each reply

attachments: []                      # files attached to every invitation, relative to this file

schedule:
  send_at: null                      # meeting-local, e.g. 2030-01-01T09:00:00; null: at once
  reply_deadline: 2030-01-01         # FILL IN (only when expects_reply is true)
  reminders:
    after_days: [14, 21]             # days after the invitation
    max_per_mission: 2
  digest:
    time: "08:00"                    # every day, local time
    recipients: []                   # FILL IN: who gets the daily digest

missions_file: missions.csv          # CSV (UTF-8 or Windows-1252, , ; or tab) or XLSX

thresholds:
  match: 0.8                         # below: a human says which mission wrote
  extraction: 0.7                    # below: a human checks the delegation read

secretariat_contacts: []             # your own addresses and phones, never a delegate's

# Where this campaign's data lives: an SQLite file relative to this file, or a
# database URL; INVITEBOT_DATABASE_URL overrides it. Default: var/invitebot.db
# in this folder, whatever folder invitebot is run from.
database: null
"""


def write_starter(directory: Path, *, member_states: bool = True,
                  observers: bool = True) -> list[Path]:
    """Write campaign.yaml, missions.csv and templates/ into ``directory``; return the files."""
    campaign = directory / "campaign.yaml"
    missions = directory / "missions.csv"
    templates = directory / "templates"
    existing = [p for p in (campaign, missions, templates) if p.exists()]
    if existing:
        raise ConfigError(f"{existing[0]}: already exists; invitebot init overwrites nothing")
    if not SHIPPED_TEMPLATES.is_dir():
        raise ConfigError(f"{SHIPPED_TEMPLATES}: the shipped templates are missing")
    directory.mkdir(parents=True, exist_ok=True)
    campaign.write_text(CAMPAIGN.format(path=campaign), encoding="utf-8")
    write_list(missions, select_entries(member_states=member_states, observers=observers))
    templates.mkdir()
    written = [campaign, missions]
    for source in sorted(SHIPPED_TEMPLATES.iterdir()):
        if source.name.startswith(_KINDS):
            written.append(Path(shutil.copy2(source, templates / source.name)))
    return written
