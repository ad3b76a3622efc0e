"""The contact page: who the person is and every request of theirs the user may see."""
