r"""The map equation: the one implementation of the formula.

Every codebook, of a module or of the whole network, has the same length
(:func:`codebook_length`); the multilevel map equation sums it over the
modules of a tree (:mod:`.tree`).  For a two-level partition it reads as
follows.

For modules :math:`m` with flow :math:`p_m`, enter flow :math:`q_{m\curvearrowleft}`
and exit flow :math:`q_{m\curvearrowright}`, node flows :math:`p_\alpha`, and the
flow :math:`q_\text{out}` that leaves the (sub-)network being partitioned
(zero for a whole network),

.. math::

    L = \underbrace{\mathrm{plogp}(q_\curvearrowleft + q_\text{out})
        - \sum_m \mathrm{plogp}(q_{m\curvearrowleft})
        - \mathrm{plogp}(q_\text{out})}_{\text{index codelength}}
      + \underbrace{\sum_m \mathrm{plogp}(q_{m\curvearrowright} + p_m)
        - \sum_m \mathrm{plogp}(q_{m\curvearrowright})
        - \sum_\alpha \mathrm{plogp}(p_\alpha)}_{\text{module codelength}}

with :math:`\mathrm{plogp}(x) = x \log_2 x` and
:math:`q_\curvearrowleft = \sum_m q_{m\curvearrowleft}`.

For a state (memory) network the module codebooks name *physical* nodes:
the states of one physical node :math:`i` in module :math:`m` share a
codeword, used at rate :math:`p_{i,m}` (the flow of those states), so the
node term :math:`\sum_\alpha \mathrm{plogp}(p_\alpha)` becomes
:math:`\sum_{m}\sum_{i \in m} \mathrm{plogp}(p_{i,m})`, which changes as
states move (the memory map equation).

With metadata (the metadata map equation) every module also codes the
categories of its nodes: :math:`r \sum_m \big(\mathrm{plogp}(F_m) -
\sum_c \mathrm{plogp}(f_{m,c})\big)` joins the module codelength, with
:math:`f_{m,c}` the meta flow of category :math:`c` in module :math:`m`,
:math:`F_m` their sum and :math:`r` the metadata rate (see :mod:`.meta`).

The optimizer keeps the running sums of this formula in a ``terms`` array
and updates them in O(1) per move (the physical term in O(physical nodes of
the mover), the metadata term in O(categories of the mover));
``constants`` holds what does not change while nodes move.

``terms``:     ``[sum_enter, sum_plogp_enter, sum_plogp_exit, sum_plogp_exit_plus_flow,
sum_plogp_physical_flow, meta_codelength]`` (the physical term is 0 for a
first-order network; the last, the metadata term of :mod:`.meta`, is 0
without metadata)
``constants``: ``[sum_plogp_node_flow, exit_network_flow, preferred_num_modules,
module_correction, node_correction, num_random_moves, max_degree_for_random_moves]``
(the first is 0 for a state network, whose node term is in ``terms``; the
next three are 0 for the plain map equation, see below; the last two are the
official ``--num-random-moves`` and ``--max-degree-for-random-moves`` of the
core loop, :func:`.moves.sweep`, 0 where no random moves are tried)

The biased map equation (the official ``--preferred-number-of-modules`` and
``--entropy-corrected``) adds terms that depend on the number of modules
:math:`k` only: :math:`|k - k^*|` bits for a preferred number :math:`k^* > 0`,
and the entropy bias correction
:math:`c\,(k - 1 + N) / (2 D \ln 2)` for :math:`N` nodes of total degree
:math:`D` (strength :math:`c`); ``module_correction`` is
:math:`c / (2 D \ln 2)` and ``node_correction`` :math:`c N / (2 D \ln 2)`.
The optimizer adds :func:`count_change` to a move that empties a module or
fills an empty one (the running number of modules is ``n - num_empty``);
:func:`count_bias` splits the terms between the index and the module
codelength as the official reports them (one module codes as the one-level
solution: :math:`c (N - 1) / (2 D \ln 2)`).
"""

import numpy as np

from ._jit import inline_jit, jit

SUM_ENTER = 0
SUM_PLOGP_ENTER = 1
SUM_PLOGP_EXIT = 2
SUM_PLOGP_EXIT_FLOW = 3
SUM_PLOGP_PHYSICAL_FLOW = 4
META_CODELENGTH = 5
NUM_TERMS = 6

SUM_PLOGP_NODE_FLOW = 0
EXIT_NETWORK_FLOW = 1
PREFERRED_NUM_MODULES = 2
MODULE_CORRECTION = 3
NODE_CORRECTION = 4
NUM_RANDOM_MOVES = 5
MAX_DEGREE_FOR_RANDOM_MOVES = 6
NUM_CONSTANTS = 7

#: The biased map equation's three entries of ``constants``, from ``PREFERRED_NUM_MODULES``.
NUM_BIAS = 3


@jit
def plogp(p):
    """Return ``p * log2(p)``, with ``plogp(0) = 0`` (and for tiny negatives)."""
    if p > 0.0:
        return p * np.log2(p)
    return 0.0


@jit
def entropy_terms(flow):
    """Return ``sum(plogp(flow))`` over an array."""
    total = 0.0
    for i in range(flow.shape[0]):
        total += plogp(flow[i])
    return total


@jit
def init_terms(module_flow, module_enter, module_exit, num_modules):
    """Return the running sums of the formula for modules ``0..num_modules-1``."""
    terms = np.zeros(NUM_TERMS)
    for m in range(num_modules):
        terms[SUM_ENTER] += module_enter[m]
        terms[SUM_PLOGP_ENTER] += plogp(module_enter[m])
        terms[SUM_PLOGP_EXIT] += plogp(module_exit[m])
        terms[SUM_PLOGP_EXIT_FLOW] += plogp(module_exit[m] + module_flow[m])
    return terms


@jit
def index_codelength(terms, constants):
    """Return the index codelength (bits) from the running sums."""
    return codebook_length(constants[EXIT_NETWORK_FLOW], terms[SUM_ENTER],
                           terms[SUM_PLOGP_ENTER])


@jit
def module_codelength(terms, constants):
    """Return the module codelength (bits) from the running sums."""
    return (
        terms[SUM_PLOGP_EXIT_FLOW]
        - terms[SUM_PLOGP_EXIT]
        - constants[SUM_PLOGP_NODE_FLOW]
        - terms[SUM_PLOGP_PHYSICAL_FLOW]
        + terms[META_CODELENGTH]
    )


@jit
def codelength(terms, constants):
    """Return the total two-level codelength (bits) from the running sums."""
    return index_codelength(terms, constants) + module_codelength(terms, constants)


@jit
def codebook_length(exit_flow, sum_rate, sum_plogp_rate):
    """Return the length (bits per step) of one codebook of the multilevel map equation.

    A module's codebook has a codeword to exit it, used at rate
    ``exit_flow``, and one for each child: the child's enter flow for a
    sub-module, its flow for a node.  ``sum_rate`` and ``sum_plogp_rate``
    are the sum of those rates and of their ``plogp``.  For the root (the
    index codebook of a whole network) ``exit_flow`` is 0.
    """
    return plogp(exit_flow + sum_rate) - plogp(exit_flow) - sum_plogp_rate


@jit
def one_level_codelength(node_flow, exit_network_flow):
    """Return the codelength of one module holding every node.

    For a whole network (``exit_network_flow == 0``) this is the entropy of
    the node flow; for a sub-network the exit codeword is counted too.
    """
    total_flow = exit_network_flow
    for i in range(node_flow.shape[0]):
        total_flow += node_flow[i]
    if total_flow < 1e-16:
        return 0.0
    length = 0.0
    for i in range(node_flow.shape[0]):
        length -= plogp(node_flow[i] / total_flow)
    length -= plogp(exit_network_flow / total_flow)
    return length * total_flow


@jit
def move_delta(
    terms,
    exit_network_flow,
    node_flow,
    node_enter,
    node_exit,
    old_flow,
    old_enter,
    old_exit,
    new_flow,
    new_enter,
    new_exit,
    delta_old,
    delta_new,
):
    """Return the change in codelength when a node moves between modules.

    ``old_*`` and ``new_*`` describe the two modules before the move (the old
    one still holding the node); ``delta_old`` / ``delta_new`` is the flow on
    links (both directions) between the node and the rest of the old module /
    the new module.  ``exit_network_flow`` is the flow that leaves the
    (sub-)network: its codeword shares the index codebook.  The index term
    ``plogp(q_out)`` and the node-flow term are constant and cancel.

    It is the sum of :func:`leave_delta` (what depends on the old module
    only, computed once per node by the optimizer) and :func:`join_delta`
    (computed once per candidate module).
    """
    sum_enter = terms[SUM_ENTER] + exit_network_flow
    leave = leave_delta(node_flow, node_enter, node_exit, old_flow, old_enter, old_exit,
                        plogp(old_enter), plogp(old_exit), plogp(old_exit + old_flow),
                        delta_old)
    return leave + join_delta(
        sum_enter + delta_old, plogp(sum_enter), node_flow, node_enter, node_exit,
        new_flow, new_enter, new_exit,
        plogp(new_enter), plogp(new_exit), plogp(new_exit + new_flow), delta_new, False,
    )


@jit
def leave_delta(node_flow, node_enter, node_exit, old_flow, old_enter, old_exit,
                plogp_old_enter, plogp_old_exit, plogp_old_exit_flow, delta_old):
    """Return the change of the module terms of the old module when a node
    leaves it (see :func:`move_delta`); the ``plogp_old_*`` arguments are
    ``plogp`` of the old module's enter, exit and exit-plus-flow, which the
    optimizer keeps per module (as for :func:`join_delta`)."""
    return (
        plogp_old_enter
        - plogp(old_enter - node_enter + delta_old)
        + plogp_old_exit
        - plogp(old_exit - node_exit + delta_old)
        + plogp(old_exit + old_flow - node_exit - node_flow + delta_old)
        - plogp_old_exit_flow
    )


@jit
def join_delta(sum_enter_without_node, plogp_sum_enter, node_flow, node_enter, node_exit,
               new_flow, new_enter, new_exit, plogp_new_enter, plogp_new_exit,
               plogp_new_exit_flow, delta_new, enter_is_exit):
    """Return the change of the index term and of the new module's terms
    when a node joins module ``new`` (see :func:`move_delta`).

    ``sum_enter_without_node`` is the index codebook's total rate once the
    node has left its old module (``sum_enter + q_out + delta_old``) and
    ``plogp_sum_enter`` the ``plogp`` of the rate before the move; the
    ``plogp_new_*`` arguments are ``plogp`` of the new module's enter, exit
    and exit-plus-flow, which the optimizer keeps per module.  With
    ``enter_is_exit`` (undirected flow: every node and module enters as much
    as it exits) the exit term is the enter term and is not computed again.
    """
    enter_term = plogp_new_enter - plogp(new_enter + node_enter - delta_new)
    if enter_is_exit:
        exit_term = enter_term
    else:
        exit_term = plogp_new_exit - plogp(new_exit + node_exit - delta_new)
    return (
        plogp(sum_enter_without_node - delta_new)
        - plogp_sum_enter
        + enter_term
        + exit_term
        + plogp(new_exit + new_flow + node_exit + node_flow - delta_new)
        - plogp_new_exit_flow
    )


@jit
def module_plogps(flow, enter, exit_):
    """Return ``(plogp(enter), plogp(exit), plogp(exit + flow))`` of one
    module: its terms in the running sums, which the optimizer keeps."""
    return plogp(enter), plogp(exit_), plogp(exit_ + flow)


@jit
def remove_module_terms(terms, enter, plogp_enter, plogp_exit, plogp_exit_flow):
    """Subtract one module's contribution (its enter flow and
    :func:`module_plogps`) from the running sums."""
    terms[SUM_ENTER] -= enter
    terms[SUM_PLOGP_ENTER] -= plogp_enter
    terms[SUM_PLOGP_EXIT] -= plogp_exit
    terms[SUM_PLOGP_EXIT_FLOW] -= plogp_exit_flow


@jit
def add_module_terms(terms, flow, enter, exit_):
    """Add one module's contribution to the running sums; return its
    :func:`module_plogps`."""
    plogp_enter, plogp_exit, plogp_exit_flow = module_plogps(flow, enter, exit_)
    terms[SUM_ENTER] += enter
    terms[SUM_PLOGP_ENTER] += plogp_enter
    terms[SUM_PLOGP_EXIT] += plogp_exit
    terms[SUM_PLOGP_EXIT_FLOW] += plogp_exit_flow
    return plogp_enter, plogp_exit, plogp_exit_flow


def new_constants(sum_plogp_node_flow, exit_network_flow, bias):
    """Return the ``constants`` of a (sub-)network: its node term, the flow
    that leaves it, and ``bias``, the biased map equation's
    ``[preferred_num_modules, module_correction, node_correction]`` (zeros
    for the plain map equation), optionally followed by the random moves'
    ``[num_random_moves, max_degree_for_random_moves]`` (no random moves if
    left out).  Called from Python only: plain NumPy, so that it compiles
    nothing."""
    bias = np.asarray(bias, dtype=np.float64)[:NUM_CONSTANTS - 2]
    constants = np.zeros(NUM_CONSTANTS)
    constants[SUM_PLOGP_NODE_FLOW] = sum_plogp_node_flow
    constants[EXIT_NETWORK_FLOW] = exit_network_flow
    constants[PREFERRED_NUM_MODULES:PREFERRED_NUM_MODULES + bias.shape[0]] = bias
    return constants


@inline_jit
def is_biased(constants):
    """Whether the number of modules has a cost of its own (the biased map equation)."""
    return constants[PREFERRED_NUM_MODULES] > 0.0 or constants[MODULE_CORRECTION] != 0.0


@inline_jit
def module_count_cost(num_modules, constants):
    """Return the biased map equation's terms for ``num_modules`` modules, as
    the optimizer tracks them (see the module docstring); 0 for the plain
    map equation."""
    return (constants[MODULE_CORRECTION] * (num_modules - 1) + constants[NODE_CORRECTION]
            + preference_cost(num_modules, constants))


@inline_jit
def preference_cost(num_modules, constants):
    """Return ``|num_modules - preferred|`` bits, or 0 without a preferred
    number of modules."""
    preferred = constants[PREFERRED_NUM_MODULES]
    if preferred > 0.0:
        return abs(num_modules - preferred)
    return 0.0


@inline_jit
def count_change(num_modules, change, constants):
    """Return the change of :func:`module_count_cost` when a move changes the
    number of modules from ``num_modules`` by ``change`` (-1, 0 or 1)."""
    return (module_count_cost(num_modules + change, constants)
            - module_count_cost(num_modules, constants))


@inline_jit
def count_bias(num_modules, constants):
    """Return ``(index, module)``: the biased map equation's terms of a
    partition into ``num_modules`` modules, as parts of the index and of the
    module codelength (one module, or none, codes as the one-level solution)."""
    if num_modules > 1:
        index = constants[MODULE_CORRECTION] * (num_modules - 1)
        module = constants[NODE_CORRECTION]
    else:
        index = 0.0
        module = constants[NODE_CORRECTION] - constants[MODULE_CORRECTION]
        num_modules = 1
    return index, module + preference_cost(num_modules, constants)
