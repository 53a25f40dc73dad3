"""Generated HR, sign-in and device data with planted DPRK operator personas (there is no public
dataset of them): for tests, the demo, ``eval/vet_eval.py`` and ``bench/bench_vet.py``."""
