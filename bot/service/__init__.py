"""The service around the stages: scheduler and election, digest, status, exports, demo.

``run`` (``bot.service.run``) drains the queues in every process and, in the
elected one, runs the schedule of ``bot.jobs``; ``digest``, ``status`` and
``export`` read the results back through ``bot.results.records``.
"""
