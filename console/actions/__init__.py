"""Guarded actions: pure guards and plans, one executor.

API (the TUI, the palette and the CLI use the same functions):
  guards.<action>_blocked_reason(snapshot, target) -> str | None   (pure; "why not?")
  requests.GuardedRequest(kind, node=, resource=).guard_reason(snapshot, now=)
                                                   (pure; the one action -> guard mapping)
  plans.plan_<action>(cib_bytes, target, run_on=NODE) -> ActionPlan (pure; ActionRefused)
  execute.prepare(kind, runner, run_on, node=, resource=) -> ActionPlan (reads a fresh CIB)
  execute.preview(plan, runner) -> ActionPlan            (crm_simulate: consequences, refusal)
  execute.run_plan(plan, runner) -> ActionOutcome        (compare-and-swap, verify, time)
  console.audit.record_outcome(...) / record_refusal(...)  (the audit journal)
"""
