"""What ``eip8025 devnet`` prints: the header, a row per slot, the summary and the verdict."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from eip8025.acceptance import AcceptancePolicy
from eip8025_p2p.devnet.ledger import Ledger, SlotState
from eip8025_p2p.devnet.plan import (
    EXIT_EXPECTED_FAILURE,
    EXIT_FAILED,
    EXIT_OK,
    DevnetConfig,
    NodePlan,
    percentile,
)
from eip8025_p2p.devnet.supervisor import Sample

__all__ = ["Report"]


class Report:
    """Renders one devnet run through ``say`` (one line per call)."""

    def __init__(
        self,
        config: DevnetConfig,
        policy: AcceptancePolicy,
        plans: list[NodePlan],
        say: Callable[[str], None],
    ) -> None:
        self.config = config
        self.policy = policy
        self.plans = plans
        self.verifiers = [p.name for p in plans if p.role == "verifier"]
        self.say = say

    def header(self, datadir: str) -> None:
        """What runs: provers, faults, verifiers, policy, slots, profile, engine, datadir."""
        config = self.config
        byzantine = [p.name for p in self.plans if p.byzantine]
        offline = [p.name for p in self.plans if p.offline]
        faults = []
        if byzantine:
            faults.append(f"byzantine: {', '.join(byzantine)}")
        if offline:
            faults.append(f"offline: {', '.join(offline)}")
        self.say(
            f"eip8025 devnet: {config.provers} provers (types "
            f"{','.join(map(str, config.proof_types))}"
            + (f"; {'; '.join(faults)}" if faults else "")
            + f"), {config.verifiers} verifiers, policy {self.policy.description}, "
            f"{config.slots} slots x {config.seconds_per_slot} s, seed {config.seed!r}, "
            f"spec profile {config.spec_profile}"
        )
        engine = config.proof_engine or "built-in devnet mock (NOT a zero-knowledge proof)"
        self.say(f"proof engine: {engine}; node datadirs and logs: {datadir}")
        if not config.acceptance_possible:
            self.say(
                f"note: only {config.honest_provers} honest provers online for a threshold of "
                f"{config.threshold}: no payload can be proven (expected failure)"
            )

    def table_header(self) -> None:
        """The legend and the column titles of the slot table."""
        types = "".join(f"{'type ' + str(t):>9}" for t in self.config.proof_types)
        verifiers = "".join(f"{name:>12}" for name in self.verifiers)
        self.say("")
        self.say("per type: verifiers that verified / saw a proof (R: rejected); early: proofs")
        self.say("that arrived before their block; verifier columns: time from slot start to")
        self.say(f"{self.policy.threshold}-of-{len(self.config.proof_types)}")
        self.say(f"{'slot':>4}  {'block':<10}{types}{'early':>7}{verifiers}")

    def row(self, state: SlotState) -> None:
        """One slot."""
        cells = []
        for proof_type in self.config.proof_types:
            seen = len(state.seen.get(proof_type, ()))
            if seen == 0:
                cells.append(f"{'-':>9}")
                continue
            cell = f"{len(state.valid.get(proof_type, ()))}/{seen}"
            if state.rejected.get(proof_type):
                cell += " R"
            cells.append(f"{cell:>9}")
        times = []
        for name in self.verifiers:
            event = state.accepted.get(name)
            times.append(f"{'never':>12}" if event is None else f"{event.latency:>+11.2f}s")
        row = f"{state.slot:>4}  {state.root[:10]:<10}{''.join(cells)}{state.early:>7}"
        self.say(row + "".join(times))

    def summary(self, ledger: Ledger, metrics: dict[str, list[Sample]], problems: list[str]) -> int:
        """Latencies, rejects, penalised peers, the node table and the verdict; the exit code."""
        config = self.config
        total = config.slots * len(self.verifiers)
        latencies = ledger.latencies()
        accepted = len(latencies)
        byzantine_types = {p.proof_type for p in self.plans if p.byzantine}
        counted_byzantine = ledger.counted({t for t in byzantine_types if t is not None})
        self.say("")
        self.say("summary")
        self.say(f"  acceptances: {accepted}/{total} (verifiers x slots)")
        if latencies:
            self.say(
                f"  acceptance latency from slot start: p50 {percentile(latencies, 50):.2f} s, "
                f"p99 {percentile(latencies, 99):.2f} s, max {max(latencies):.2f} s "
                f"(n={accepted})"
            )
        self.say(f"  proofs that arrived before their block (pending queue): {ledger.early()}")
        rejects: dict[str, float] = {}
        for samples in metrics.values():
            for n, labels, value in samples:
                if n == "eip8025_gossip_verdicts_total" and labels.get("outcome") == "reject":
                    key = f"{labels.get('reason')} (type {labels.get('proof_type')})"
                    rejects[key] = rejects.get(key, 0) + value
        text = ", ".join(f"{k}: {int(v)}" for k, v in sorted(rejects.items())) or "none"
        self.say(f"  rejects by reason, all nodes: {text}")
        names = {p.peer_id: p.name for p in self.plans}
        penalised: dict[str, list[float]] = {}
        for samples in metrics.values():
            for n, labels, value in samples:
                if n == "eip8025_peer_score" and value < 0:
                    peer = names.get(labels.get("peer", ""), labels.get("peer", "?"))
                    penalised.setdefault(peer, []).append(value)
        for peer, scores in sorted(penalised.items()):
            self.say(
                f"  penalised peer: {peer}, gossip score {min(scores):.0f}..{max(scores):.0f} "
                f"at {len(scores)} nodes"
            )
        self._node_table(metrics)
        if self.config.submit_via_api:
            self._api_table(metrics)
        return self._verdict(accepted, total, counted_byzantine, problems)

    def _node_table(self, metrics: dict[str, list[Sample]]) -> None:
        def metric(name: str, sample: str, outcome: str | None = None) -> float:
            return sum(
                v
                for n, labels, v in metrics.get(name, ())
                if n == sample and (outcome is None or labels.get("outcome") == outcome)
            )

        self.say("")
        self.say(
            f"  {'node':<12}{'role':<22}{'recv':>6}{'accept':>8}{'ignore':>8}{'reject':>8}"
            f"{'stored':>8}{'publ':>6}{'early':>7}{'peers':>7}{'verify ms':>11}"
        )
        for plan in self.plans:
            if plan.offline:
                self.say(f"  {plan.name:<12}{plan.label:<22}(not started)")
                continue
            name = plan.name
            verdicts = {
                outcome: int(metric(name, "eip8025_gossip_verdicts_total", outcome))
                for outcome in ("accept", "ignore", "reject")
            }
            count = metric(name, "eip8025_proof_verification_seconds_count")
            seconds = metric(name, "eip8025_proof_verification_seconds_sum")
            verify = f"{1e3 * seconds / count:.2f}" if count else "-"
            self.say(
                f"  {name:<12}{plan.label:<22}"
                f"{int(metric(name, 'eip8025_gossip_received_total')):>6}"
                f"{verdicts['accept']:>8}{verdicts['ignore']:>8}{verdicts['reject']:>8}"
                f"{int(metric(name, 'eip8025_proofs_stored_total')):>8}"
                f"{int(metric(name, 'eip8025_proofs_published_total')):>6}"
                f"{int(metric(name, 'eip8025_gossip_pending_released_total')):>7}"
                f"{int(metric(name, 'eip8025_peers')):>7}{verify:>11}"
            )

    def _api_table(self, metrics: dict[str, list[Sample]]) -> None:
        columns = ("requests", "proofs", "accepted", "parked", "known", "failed", "unjudged")
        self.say("")
        self.say("  Beacon API, POST /eth/v1/beacon/execution_proofs (provers submit, not gossip)")
        self.say(f"  {'node':<12}" + "".join(f"{c:>10}" for c in columns))
        for plan in self.plans:
            if plan.role != "verifier" or plan.offline:
                continue
            values = {
                n.removeprefix("eip8025_api_").removesuffix("_total"): v
                for n, _, v in metrics.get(plan.name, ())
                if n.startswith("eip8025_api_")
            }
            self.say(
                f"  {plan.name:<12}" + "".join(f"{int(values.get(c, 0)):>10}" for c in columns)
            )
        results: dict[str, float] = {}
        for plan in self.plans:
            for n, labels, v in metrics.get(plan.name, ()):
                if n == "eip8025_proofs_published_total" and plan.role == "prover":
                    results[labels.get("result", "?")] = (
                        results.get(labels.get("result", "?"), 0) + v
                    )
        text = ", ".join(f"{k} {int(v)}" for k, v in sorted(results.items())) or "none"
        self.say(f"  provers' proofs by result: {text}")

    def _verdict(
        self,
        accepted: int,
        total: int,
        counted_byzantine: list[tuple[str, int]],
        problems: list[str],
    ) -> int:
        config = self.config
        policy = self.policy.description
        if problems:
            for problem in problems:
                self.say(f"FAILED: {problem}")
            return EXIT_FAILED
        if counted_byzantine:
            self.say(f"FAILED: a byzantine proof counted toward acceptance: {counted_byzantine}")
            return EXIT_FAILED
        if config.acceptance_possible and accepted == total:
            self.say(
                f"result: OK - all {len(self.verifiers)} verifiers accepted all {config.slots} "
                f"payloads ({policy})"
            )
            return EXIT_OK
        if config.acceptance_possible:
            self.say(
                f"FAILED: {total - accepted} of {total} acceptances missing although "
                f"{config.honest_provers} honest provers were online ({policy})"
            )
            return EXIT_FAILED
        if accepted == 0:
            self.say(
                f"EXPECTED FAILURE: {config.honest_provers} honest provers online < threshold "
                f"{config.threshold}; no verifier accepted any payload, as the policy demands "
                f"(exit code {EXIT_EXPECTED_FAILURE})"
            )
            return EXIT_EXPECTED_FAILURE
        self.say(
            f"FAILED: {accepted} acceptances although only {config.honest_provers} honest "
            f"provers were online ({policy})"
        )
        return EXIT_FAILED

    def write_json(
        self,
        path: str,
        code: int,
        *,
        datadir: str,
        genesis: int | None,
        ledger: Ledger,
        children: dict[str, dict[str, Any]],
        metrics: dict[str, list[Sample]],
    ) -> None:
        """The run as JSON: nodes, slots, scraped metrics and exit codes."""
        absent = {"pid": None, "returncode": None, "done": None}
        summary = {
            "exit_code": code,
            "datadir": datadir,
            "genesis_time": genesis,
            "policy": self.policy.description,
            "nodes": {
                p.name: {
                    "role": p.role,
                    "proof_type": p.proof_type,
                    "validator_index": p.validator_index,
                    "byzantine": p.byzantine,
                    "offline": p.offline,
                    "peer_id": p.peer_id,
                    **children.get(p.name, absent),
                }
                for p in self.plans
            },
            "slots": {str(s.slot): s.to_json() for s in ledger.slots.values()},
            "metrics": {
                name: [[n, labels, v] for n, labels, v in samples]
                for name, samples in metrics.items()
            },
        }
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(summary, handle, indent=1)
