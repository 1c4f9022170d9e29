"""Runner for consensus-spec-tests trees.

Layout: ``tests/<preset>/<fork>/<runner>/<handler>/<suite>/<case>/``.

Supported runners: ``ssz_static`` (every container the spec profile defines), ``ssz_generic``
(progressive list / bitlist / container handlers), and our EIP-8025 formats
``networking/gossip_execution_proof``, ``fork_choice/execution_proof_acceptance`` and
``proof_engine/mock`` (see ``vectors/README.md``), whose vectors :mod:`.generator` writes.
Usable from the command line (``eip8025 spec-tests PATH``) and from pytest
(``tests/test_spec_vectors.py``).
"""

from eip8025_spec_tests.layout import Case, discover_cases
from eip8025_spec_tests.runner import CaseResult, Outcome, run_case, run_tree

__all__ = ["Case", "CaseResult", "Outcome", "discover_cases", "run_case", "run_tree"]
