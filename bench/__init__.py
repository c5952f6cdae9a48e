"""The load benchmark's Django app: its data set (bench_seed) and its yardstick page.

Installed only by bench/settings.py, which bench/run uses; the production settings, URLs and
image know nothing of it. The scripts beside it (run, faults, throttle) are not part of the app.
"""
