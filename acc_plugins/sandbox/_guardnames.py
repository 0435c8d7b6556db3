"""
The names compiled plugin code uses to reach the sandbox: the guards the
transformer emits calls to (``__acc_getattr__`` ...), which ``Guards``
binds in every module's builtins, and the mark of a sandbox's own objects.

All are dunders starting with ``__acc``, which plugin code can neither
bind nor read.  They are apart from the policy's tables because they are
plumbing between the compiler and the guards, not policy; renaming one
changes the transformer's output, so it bumps the transformer suffix in
``_policy``.
"""

from __future__ import annotations

from typing import Final


# The names our transformer emits.
GUARD_GETATTR: Final = "__acc_getattr__"
GUARD_WRITE: Final = "__acc_write__"
GUARD_SELF: Final = "__acc_self__"
GUARD_RERAISE: Final = "__acc_reraise__"
GUARD_WITH: Final = "__acc_with__"
GUARD_ASYNC_WITH: Final = "__acc_asyncwith__"
GUARD_CLASS: Final = "__acc_class__"
GUARD_TOKEN: Final = "__acc_token__"  # noqa: S105 -- a name, not a secret
GUARD_RAW_GETATTR: Final = "__acc_rawgetattr__"
GUARD_BUDGET: Final = "__acc_budget__"
GUARD_TICK: Final = "__acc_tick__"
GUARD_NEXT: Final = "__acc_next__"
GUARD_MOD: Final = "__acc_mod__"
GUARD_FORMAT: Final = "__acc_format__"
GUARD_RAW_TYPE: Final = "__acc_rawtype__"
GUARD_RAW_HASATTR: Final = "__acc_rawhasattr__"
GUARD_RAW_RANGE: Final = "__acc_rawrange__"
GUARD_INT: Final = "__acc_int__"
GUARD_FLOAT: Final = "__acc_float__"
GUARD_MUL: Final = "__acc_mul__"
GUARD_POW: Final = "__acc_pow__"
GUARD_LSHIFT: Final = "__acc_lshift__"
GUARD_INPLACE: Final = "__acc_inplace__"
GUARD_AUG_ITEM: Final = "__acc_augitem__"
GUARD_AUG_ATTR: Final = "__acc_augattr__"
GUARD_ADD: Final = "__acc_add__"
GUARD_ADD_CHECK: Final = "__acc_addcheck__"
GUARD_SIZED_CALL: Final = "__acc_sizedcall__"
GUARD_UNPACK: Final = "__acc_unpack__"
GUARD_RENDER: Final = "__acc_render__"
GUARD_SET_SLICE: Final = "__acc_setslice__"
GUARD_SLICE_TYPES: Final = "__acc_slicetypes__"
GUARD_RAW_LEN: Final = "__acc_rawlen__"
GUARD_TYPE_OF: Final = "__acc_typeof__"
GUARD_RENDER_ARGS: Final = "__acc_renderargs__"
GUARD_STR: Final = "__acc_str__"
GUARD_PLAIN_TYPES: Final = "__acc_plaintypes__"

# The attribute that marks a class or module as created by one sandbox; its
# value is that sandbox's token.  A dunder, so plugin code can neither read
# nor forge it.
OWNER_MARK: Final = "__acc_sandbox__"
