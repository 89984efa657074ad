"""Fault runs: the product's promises when a worker, Redis or PostgreSQL goes away (make faults).

run.py is the command line: it chooses the runs, runs them and prints their tables. servers.py starts and
stops the private servers and the product; load.py serves the feeds and loads pages; figures.py reads what
was stored and reports it; world.py prepares what the runs share. One module per fault: kill_worker.py,
redis_down.py and postgres_restart.py.
"""
