"""Guarded actions: pure guards and plans, one table of actions, one runner, one executor.

API (the TUI, the palette and the CLI use the same functions):
  catalog.ACTIONS[kind] -> ActionSpec(verb, guard, planner, executor)  (the one action table)
  guards.<action>_blocked_reason(snapshot, target) -> str | None   (pure; "why not?")
  requests.GuardedRequest(kind, node=, resource=).guard_reason(snapshot, now=)
  plans.plan_<action>(cib_bytes, target, run_on=NODE) -> ActionPlan (pure; raises ActionRefused)
  runner.run_request(request, snapshot, runner, settings, events) -> RunReport
      guard, prepare, preview, confirm (events.confirm), run and verify (events.progress), audit
  execute.prepare / preview / run_plan   (a fresh CIB; crm_simulate; compare-and-swap + verify)
  audit.record(...) / record_plan(...) / record_outcome(...)   (the audit journal)
"""
