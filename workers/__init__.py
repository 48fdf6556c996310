"""arq workers: job functions and their WorkerSettings."""
