"""The organiser's digest: what is gathered (``build``) and how it is rendered (``render``)."""
