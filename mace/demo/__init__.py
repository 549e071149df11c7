"""The synthetic demo data set and the demo accounts (`mace seed_demo`, `mace demo_accounts`).

No other app imports this one: it writes through the other apps' public models and services,
as any client would. `seed.py` is the entry point and the only module that imports the domain
modules (people, concerns, missing, intelligence, assessments, meetings, disruption); those
import only the shared pieces: `plan` (the children and their concerns, in memory), `words`
(invented names and places) and `accounts` (the demo staff and their password).
"""
