"""tasks URLs (see guazhi.duty.urls): the task list, agreeing, dropping and ticking off."""

from django.urls import path

from guazhi.duty.views import tasks

urlpatterns = [
    path("assignments/<int:assignment_pk>/tasks/", tasks.task_list, name="task_list"),
    path(
        "assignments/<int:assignment_pk>/tasks/agree/",
        tasks.task_agree_all,
        name="task_agree_all",
    ),
    path("tasks/<int:task_pk>/agree/", tasks.task_agree, name="task_agree"),
    path("tasks/<int:task_pk>/drop/", tasks.task_drop, name="task_drop"),
    path("tasks/<int:task_pk>/done/", tasks.task_tick_off, name="task_tick_off"),
]
