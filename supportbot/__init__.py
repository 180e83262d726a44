"""supportbot: a support desk inside team chat."""
