"""The explorer: runs, timelines and experiments in the browser (``abm explore``).

A Dash app over the folders it is given: :mod:`.catalog` opens them, :mod:`.app` routes
addresses to the run page (:mod:`.run_page`, :mod:`.causes`) and the experiment page
(:mod:`.experiment_page` and its panels), :mod:`.figures` draws, :mod:`.server` serves.
"""
