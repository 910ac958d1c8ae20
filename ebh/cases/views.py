from flask import Blueprint, render_template

bp = Blueprint("cases", __name__)


@bp.route("/")
def index():
    return render_template("cases/index.html")


@bp.route("/persons/new")
def new_person():
    return render_template("cases/index.html")
