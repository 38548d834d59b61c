"""virage: scores brand ambassadors and influencers per campaign from social exports."""

__version__ = "0.1.0"
