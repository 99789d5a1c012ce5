"""Sign-in throttling: failed sign-ins and re-authentications in a sliding window in the database."""
