"""Recognition: kudos between peers, and milestones the platform celebrates."""
