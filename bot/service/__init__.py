"""The service around the stages: scheduler and election, run --once, status, demo.

``run`` (``bot.service.run``) drains the queues in every process and, in the
elected one, runs the schedule of ``bot.jobs``; ``once`` runs each of those
jobs once. The digest is in :mod:`bot.digest`; ``status`` and the participants
list read the results back through :mod:`bot.results`.
"""
