# Read by `flask` commands run in a checkout (not by gunicorn). A real deployment sets
# VOICE_ENV=production and SECRET_KEY in its environment, which wins over this file.
VOICE_ENV=development
