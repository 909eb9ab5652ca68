"""The wallet's writers: cards and credit issued and sent, money held at checkout, spent and given back."""
