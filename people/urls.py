from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("me/", views.my_records, name="my_records"),
    path("officers/<str:staff_no>/", views.officer_file, name="officer_file"),
    path("officers/<str:staff_no>/training/", views.training_add, name="training_add"),
    path("officers/<str:staff_no>/postings/", views.posting_add, name="posting_add"),
]
