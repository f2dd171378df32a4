"""The queue's blueprint, shared by the queue views and the CSV export."""

from flask import Blueprint

bp = Blueprint("queue", __name__)
