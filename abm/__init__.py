"""neocloud-abm's engine: clock, event log, recorder, ledger, RNG tree and the Model.

It knows nothing of IREN, Bitcoin or any actor, and imports nothing above it; the
one-call facade is :mod:`neocloud_abm`.
"""
