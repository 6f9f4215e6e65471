"""The cadre's way in: 在岗管理 opens their record on duty."""

from django.urls import path

from guazhi.duty.views import home

urlpatterns = [
    path("", home.duty_home, name="home"),
]
