"""The trainer demonstration app: ``copsim demo`` serves it in a browser, offline.

Modules:
    session: the demo's simulation (one or two configurations, each with its no-CoP twin),
        presets, size caps, live levers and policy events. No UI code.
    controls: the app's inputs generated from the one parameter schema.
    charts: the live line charts, drawn as SVG.
    network: the practitioner network, drawn as SVG.
    app: the Solara page built around Mesa's SolaraViz.
    server: starts the Solara server for ``copsim demo``.

Only ``session``, ``controls``, ``charts`` and ``network`` import without the ``viz``
extra; ``app`` and ``server`` need Solara (``pip install 'copsim[viz]'``).
"""
