"""One module a mechanism; each has pure functions (its equations) and a ``step(model)``.

The order in which the steps run inside one week is declared once, in
:data:`copsim.model.cop_model.WEEK`.
"""
