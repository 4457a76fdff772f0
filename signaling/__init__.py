"""Live hearing layer: roles, hearing state, permissions and the WebRTC media router."""
