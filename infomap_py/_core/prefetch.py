"""A hint to the processor: fetch a row of an array into the cache now.

A core loop weighs every candidate module of a node by reading the
module's row of the module data, one cache line at a random place in an
array of millions of rows: the sweep spends most of its time waiting for
those lines, one after the other.  Asking for each row as soon as the
candidate is known (while the node's other links are still being read)
lets the memory fetch them all at once.  The hint changes no result.
"""

from llvmlite import ir
from numba.core import cgutils, types
from numba.extending import intrinsic, overload


def _hint(context, builder, array_type, array, indices):
    """Emit ``llvm.prefetch`` of the element of ``array`` at ``indices``."""
    data = context.make_array(array_type)(context, builder, array)
    pointer = cgutils.get_item_pointer2(
        context, builder, data=data.data, shape=cgutils.unpack_tuple(builder, data.shape),
        strides=cgutils.unpack_tuple(builder, data.strides), layout=array_type.layout,
        inds=indices, wraparound=False)
    byte_pointer = ir.IntType(8).as_pointer()
    int32 = ir.IntType(32)
    hint = cgutils.get_or_insert_function(
        builder.module, ir.FunctionType(ir.VoidType(), [byte_pointer, int32, int32, int32]),
        "llvm.prefetch.p0")
    # Read (0), keep in every cache level (3), data cache (1).
    builder.call(hint, [builder.bitcast(pointer, byte_pointer), int32(0), int32(3), int32(1)])


def prefetch(array, index):
    """Ask the processor to load item ``index`` of the 1-D ``array`` into the
    cache; nothing is read or checked, so any index is harmless.  (Called
    from Python, as with ``NUMBA_DISABLE_JIT``, it does nothing.)"""


def prefetch_row(array, row):
    """Ask the processor to load (the start of) row ``row`` of the 2-D
    ``array`` into the cache; nothing is read or checked, so any row index
    is harmless.  (Called from Python, it does nothing.)"""


@overload(prefetch, inline="always")
def _prefetch_compiled(array, index):
    return lambda array, index: _prefetch_hint(array, index)


@overload(prefetch_row, inline="always")
def _prefetch_row_compiled(array, row):
    return lambda array, row: _prefetch_row_hint(array, row)


@intrinsic
def _prefetch_hint(typingctx, array, index):
    signature = types.void(array, index)

    def codegen(context, builder, sig, args):
        index = context.cast(builder, args[1], sig.args[1], types.intp)
        _hint(context, builder, sig.args[0], args[0], [index])
        return context.get_dummy_value()

    return signature, codegen


@intrinsic
def _prefetch_row_hint(typingctx, array, row):
    signature = types.void(array, row)

    def codegen(context, builder, sig, args):
        index = context.cast(builder, args[1], sig.args[1], types.intp)
        _hint(context, builder, sig.args[0], args[0], [index, context.get_constant(types.intp, 0)])
        return context.get_dummy_value()

    return signature, codegen
