print("jutsu-ingest")
